using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Sqlite.Tests.Contract;

/// <summary>Every shared suite (the storage contract and the Memory acceptance suites), run unchanged against SqliteStorage.</summary>
public sealed class SqliteStorageTests : StorageContractTests<SqliteTarget>;
