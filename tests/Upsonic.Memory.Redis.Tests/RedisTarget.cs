using Upsonic.Storage;
using Upsonic.Storage.Redis;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Redis.Tests;

/// <summary>
/// Runs the shared suites against <see cref="RedisStorage"/>: a unique key prefix per storage, "another process" as a second
/// <see cref="RedisStorage"/> with its own connection, and every key of the target's prefixes deleted on dispose.
/// </summary>
public sealed class RedisTarget : StorageTarget
{
    private readonly List<string> _prefixes = [];

    public override string Name => "redis";

    /// <summary>Upstream's Redis storage defaults (not the SQL backends' <c>upsonic_*</c> names).</summary>
    public override (string Sessions, string UserMemories, string Knowledge) DefaultTableNames => ("sessions", "user_memories", "upsonic_knowledge");

    /// <summary>A new unique prefix, deleted when the target is disposed.</summary>
    public string NewPrefix()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..20];
        lock (_prefixes)
        {
            _prefixes.Add(prefix);
        }

        return prefix;
    }

    public override async Task<IStorage> CreateAsync()
    {
        await RedisTestServer.RequireAsync();
        return new RedisStorage(RedisTestServer.Config, NewPrefix());
    }

    public override async Task<IStorage> CreateNamedAsync(string? sessionTable, string? userMemoryTable, string? knowledgeTable, string? id)
    {
        await RedisTestServer.RequireAsync();
        return new RedisStorage(RedisTestServer.Config, NewPrefix(), null, sessionTable, userMemoryTable, knowledgeTable, id);
    }

    public override Task<IStorage> OpenAnotherAsync(IStorage storage)
    {
        var redis = (RedisStorage)storage;
        return Task.FromResult<IStorage>(new RedisStorage(
            RedisTestServer.Config, redis.DbPrefix, redis.Expire, redis.SessionTable, redis.UserMemoryTable, redis.KnowledgeTable));
    }

    public override async Task CorruptMessageAsync(IStorage storage, string sessionId, long sequence)
    {
        var redis = (RedisStorage)storage;
        var admin = await RedisTestServer.RequireAsync();
        var key = redis.Keys.Session(sessionId).Messages;
        if (!await admin.GetDatabase().HashExistsAsync(key, sequence))
        {
            throw new InvalidOperationException($"Message {sequence} of session '{sessionId}' does not exist, so it cannot be corrupted.");
        }

        await admin.GetDatabase().HashSetAsync(key, sequence, "{ not json");
    }

    public override async ValueTask DisposeAsync()
    {
        if (RedisTestServer.Configuration is not null)
        {
            foreach (var prefix in _prefixes)
            {
                await RedisTestServer.DeletePrefixAsync(prefix);
            }
        }

        await base.DisposeAsync();
    }
}
