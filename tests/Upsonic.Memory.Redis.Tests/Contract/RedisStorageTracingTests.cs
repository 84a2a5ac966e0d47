using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Redis.Tests.Contract;

/// <summary>Storage spans of RedisStorage.</summary>
public sealed class RedisStorageTracingTests : StorageTracingAcceptance<RedisTarget>
{
    protected override string SystemName => "redis";
}
