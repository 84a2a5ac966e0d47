using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Postgres.Tests.Contract;

/// <summary>Every shared suite (the storage contract and the Memory acceptance suites), run unchanged against PostgresStorage.</summary>
public sealed class PostgresStorageTests : StorageContractTests<PostgresTarget>;
