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

    public override async Task<IStorage> CreateExpiringAsync(int? expire, TimeProvider timeProvider)
    {
        await RedisTestServer.RequireAsync();
        return new RedisStorage(RedisTestServer.Config, NewPrefix(), expire, timeProvider: timeProvider);
    }

    /// <summary>Every key of the storage's prefix: its name and its value (every field, member and score).</summary>
    public override async Task<IReadOnlyList<string>> ReadRawContentsAsync(IStorage storage)
    {
        var db = (await RedisTestServer.RequireAsync()).GetDatabase();
        var contents = new List<string>();
        foreach (var key in await RedisTestServer.KeysAsync(((RedisStorage)storage).DbPrefix))
        {
            var value = await db.KeyTypeAsync(key) switch
            {
                StackExchange.Redis.RedisType.Hash => string.Join(" ", (await db.HashGetAllAsync(key)).Select(e => $"{e.Name}={e.Value}")),
                StackExchange.Redis.RedisType.SortedSet => string.Join(" ", (await db.SortedSetRangeByRankWithScoresAsync(key)).Select(e => $"{e.Element}={e.Score}")),
                StackExchange.Redis.RedisType.Set => string.Join(" ", await db.SetMembersAsync(key)),
                StackExchange.Redis.RedisType.List => string.Join(" ", await db.ListRangeAsync(key)),
                _ => (string?)await db.StringGetAsync(key),
            };
            contents.Add($"{key}: {value}");
        }

        return contents;
    }

    public override async Task OverwriteProfileAsync(IStorage storage, string userId, string storedProfileJson)
    {
        var key = ((RedisStorage)storage).Keys.UserMemory(userId);
        var db = (await RedisTestServer.RequireAsync()).GetDatabase();
        var record = (string?)await db.HashGetAsync(key, "json") ?? throw new InvalidOperationException($"User '{userId}' has no stored profile.");
        var json = System.Text.Json.Nodes.JsonNode.Parse(record)!.AsObject();
        const string Placeholder = "raw-profile-placeholder";
        Assert.IsType<System.Text.Json.Nodes.JsonObject>(json["profile"]);
        json["profile"] = Placeholder;
        await db.HashSetAsync(key, "json", json.ToJsonString().Replace($"\"{Placeholder}\"", storedProfileJson, StringComparison.Ordinal));
    }

    public override async Task OverwriteSessionUpdatedAtAsync(IStorage storage, string sessionId, long unixMilliseconds)
    {
        var key = ((RedisStorage)storage).Keys.Session(sessionId).Head;
        var db = (await RedisTestServer.RequireAsync()).GetDatabase();
        Assert.True(await db.KeyExistsAsync(key));
        await db.HashSetAsync(key, "updated_at", unixMilliseconds);
    }

    public override async Task DeleteMessageRowAsync(IStorage storage, string sessionId, long sequence)
    {
        var db = (await RedisTestServer.RequireAsync()).GetDatabase();
        Assert.True(await db.HashDeleteAsync(((RedisStorage)storage).Keys.Session(sessionId).Messages, sequence));
    }

    /// <summary>Replaces the members of the session's history index with text that is not a sequence number.</summary>
    public static async Task CorruptHistoryIndexAsync(RedisStorage storage, string sessionId)
    {
        var key = storage.Keys.Session(sessionId).History;
        var db = (await RedisTestServer.RequireAsync()).GetDatabase();
        var entries = await db.SortedSetRangeByRankWithScoresAsync(key);
        Assert.NotEmpty(entries);
        await db.SortedSetAddAsync(key, "not-a-number", entries[0].Score);
    }

    public override Task<IStorage> OpenWithOtherTablesAsync(IStorage storage, string sessionTable, string userMemoryTable, string knowledgeTable)
    {
        var redis = (RedisStorage)storage;
        return Task.FromResult<IStorage>(new RedisStorage(RedisTestServer.Config, redis.DbPrefix, null, sessionTable, userMemoryTable, knowledgeTable));
    }

    public override Task<IStorage> OpenAnotherAsync(IStorage storage)
    {
        var redis = (RedisStorage)storage;
        return Task.FromResult<IStorage>(new RedisStorage(
            RedisTestServer.Config, redis.DbPrefix, redis.Expire, redis.SessionTable, redis.UserMemoryTable, redis.KnowledgeTable));
    }

    public override Task CorruptMessageAsync(IStorage storage, string sessionId, long sequence) =>
        OverwriteMessageAsync(storage, sessionId, sequence, "{ not json");

    public override async Task OverwriteMessageAsync(IStorage storage, string sessionId, long sequence, string storedJson)
    {
        var redis = (RedisStorage)storage;
        var admin = await RedisTestServer.RequireAsync();
        var key = redis.Keys.Session(sessionId).Messages;
        if (!await admin.GetDatabase().HashExistsAsync(key, sequence))
        {
            throw new InvalidOperationException($"Message {sequence} of session '{sessionId}' does not exist, so it cannot be corrupted.");
        }

        await admin.GetDatabase().HashSetAsync(key, sequence, storedJson);
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
