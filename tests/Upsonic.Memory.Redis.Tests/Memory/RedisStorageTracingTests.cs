using Upsonic.Testing.MemoryAcceptance;

namespace Upsonic.Memory.Redis.Tests.Memory;

/// <summary>Storage spans of RedisStorage.</summary>
public sealed class RedisStorageTracingTests : StorageTracingAcceptance<RedisTarget>
{
    protected override string SystemName => "redis";
}
