using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Redis.Tests.Contract;

/// <summary>Every shared suite (the storage contract and the Memory acceptance suites), run unchanged against RedisStorage.</summary>
public sealed class RedisStorageTests : StorageContractTests<RedisTarget>;
