using System.Text.Json.Nodes;
using StackExchange.Redis;
using Upsonic.Storage;
using Upsonic.Storage.Redis;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Memory.Redis.Tests;

/// <summary>The key layout: one hash slot per session, safe id encoding, TTL on every key, and indexes that follow their records.</summary>
public sealed class RedisKeyLayoutTests : IAsyncLifetime
{
    private readonly RedisTarget _target = new();
    private ConnectionMultiplexer _admin = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IDatabase Db => _admin.GetDatabase();

    public async ValueTask InitializeAsync() => _admin = await RedisTestServer.RequireAsync();

    public ValueTask DisposeAsync() => _target.DisposeAsync();

    private RedisStorage Create(int? expire = null) => new(RedisTestServer.Config, _target.NewPrefix(), expire);

    [Theory]
    [InlineData("plain-id_1")]
    [InlineData("a:b}c{d")]
    [InlineData("}{}")]
    [InlineData("unicode é 漢字 🙂")]
    public async Task Every_key_of_a_session_shares_one_hash_slot(string sessionId)
    {
        await using var storage = Create();
        await storage.AppendRunAsync(Append(sessionId, Turn("r1", "hello")), Ct);
        await storage.AppendRunAsync(Append(sessionId, Turn("r2", "again"), addToHistory: true), Ct);
        await storage.MergeSessionMetadataAsync(sessionId, new JsonObject { ["k"] = 1 }, Ct);

        var sessionKeys = (await RedisTestServer.KeysAsync(storage.DbPrefix))
            .Where(k => ((string)k!).StartsWith("{" + storage.DbPrefix + ":" + storage.SessionTable + ":", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(storage.Keys.Session(sessionId).All.Length, sessionKeys.Count);
        Assert.Single(sessionKeys.Select(k => _admin.HashSlot(k)).Distinct());
        Assert.All(storage.Keys.Session(sessionId).All, k => Assert.Contains(k, sessionKeys));
    }

    [Fact]
    public async Task Ids_that_differ_only_in_characters_outside_the_literal_set_get_different_keys()
    {
        await using var storage = Create();
        string[] ids = ["a}b", "a{b", "a b", "=YX1i", "a}b:head"];
        foreach (var id in ids)
        {
            await storage.AppendRunAsync(Append(id, Turn("r1", "text of " + id)), Ct);
        }

        Assert.Equal(ids.Length, ids.Select(id => (string)storage.Keys.Session(id).Head!).Distinct().Count());
        foreach (var id in ids)
        {
            var window = await storage.LoadSessionWindowAsync(id, null, Ct);
            Assert.Equal("text of " + id, window!.Turns.Single().Messages[0].Text);
            Assert.Equal(id, window.Session.SessionId);
        }
    }

    [Fact]
    public async Task With_expire_set_every_key_has_a_ttl()
    {
        await using var storage = Create(expire: 600);
        await storage.EnsureCreatedAsync(Ct);
        await storage.AppendRunAsync(Append("s1", Turn("r1", "hello", "u1", "a1")), Ct);
        await storage.UpsertSessionAsync(Session("s2", "u2", "a2"), Ct);
        await storage.UpdateUserProfileAsync(new ProfileUpdate { UserId = "u1", Traits = new JsonObject { ["name"] = "Ann" }, AgentId = "a1" }, Ct);
        await storage.UpsertKnowledgeContentAsync(new KnowledgeRow { Id = "k1", Name = "doc", KnowledgeBaseId = "kb" }, Ct);
        await storage.UpdateSummaryAsync("s1", "sum", 1, Ct);

        var keys = await RedisTestServer.KeysAsync(storage.DbPrefix);
        Assert.True(keys.Count >= 15, $"expected the session, profile, knowledge and index keys, found {keys.Count}");
        foreach (var key in keys)
        {
            var ttl = await Db.KeyTimeToLiveAsync(key);
            Assert.True(ttl is { } t && t > TimeSpan.Zero, $"key {key} has no TTL");
        }
    }

    [Fact]
    public async Task Each_write_refreshes_the_ttl_of_every_key_of_the_session()
    {
        await using var storage = Create(expire: 600);
        await storage.AppendRunAsync(Append("s1", Turn("r1", "hello")), Ct);
        var keys = storage.Keys.Session("s1").All;
        foreach (var key in keys)
        {
            await Db.KeyExpireAsync(key, TimeSpan.FromSeconds(5));
        }

        await storage.MergeSessionMetadataAsync("s1", new JsonObject { ["k"] = 1 }, Ct);

        foreach (var key in keys.Where(k => Db.KeyExists(k)))
        {
            Assert.True((await Db.KeyTimeToLiveAsync(key))!.Value > TimeSpan.FromSeconds(60), $"key {key} kept its short TTL");
        }
    }

    [Fact]
    public async Task Without_expire_no_key_has_a_ttl()
    {
        await using var storage = Create();
        await storage.AppendRunAsync(Append("s1", Turn("r1", "hello", "u1")), Ct);
        foreach (var key in await RedisTestServer.KeysAsync(storage.DbPrefix))
        {
            Assert.Null(await Db.KeyTimeToLiveAsync(key));
        }
    }

    [Fact]
    public async Task Deleting_a_session_removes_it_from_every_index()
    {
        await using var storage = Create();
        await storage.AppendRunAsync(Append("s1", Turn("r1", "hello", "u1", "a1")), Ct);
        await storage.AppendRunAsync(Append("s2", Turn("r1", "hello", "u1", "a1")), Ct);
        var k = storage.Keys;
        RedisKey[] indexes = [k.SessionsAll, k.SessionsByUser("u1"), k.SessionsByAgent("a1"), k.SessionsByType(SessionType.Agent), k.SessionsByRun("r1")];
        Assert.All(indexes, i => Assert.NotNull(Db.SortedSetScore(i, "s1")));

        Assert.True(await storage.DeleteSessionAsync("s1", Ct));

        Assert.All(indexes, i => Assert.Null(Db.SortedSetScore(i, "s1")));
        Assert.All(indexes, i => Assert.NotNull(Db.SortedSetScore(i, "s2")));
        Assert.Equal("s2", (await storage.FindRunAsync("r1", cancellationToken: Ct))!.SessionId);
    }

    [Fact]
    public async Task Changing_a_sessions_user_agent_or_type_moves_its_index_entries()
    {
        await using var storage = Create();
        await storage.UpsertSessionAsync(Session("s1", "u1", "a1"), Ct);
        var moved = Session("s1", "u2", "a2");
        moved.SessionType = SessionType.Team;
        await storage.UpsertSessionAsync(moved, Ct);

        var k = storage.Keys;
        Assert.Null(Db.SortedSetScore(k.SessionsByUser("u1"), "s1"));
        Assert.Null(Db.SortedSetScore(k.SessionsByAgent("a1"), "s1"));
        Assert.Null(Db.SortedSetScore(k.SessionsByType(SessionType.Agent), "s1"));
        Assert.NotNull(Db.SortedSetScore(k.SessionsByUser("u2"), "s1"));
        Assert.NotNull(Db.SortedSetScore(k.SessionsByAgent("a2"), "s1"));
        Assert.NotNull(Db.SortedSetScore(k.SessionsByType(SessionType.Team), "s1"));
    }

    [Fact]
    public async Task Replacing_a_sessions_runs_drops_the_old_runs_from_the_run_index()
    {
        await using var storage = Create();
        await storage.AppendRunAsync(Append("s1", Turn("old-run", "hello")), Ct);
        await storage.UpsertSessionAsync(Session("s1"), Ct);
        Assert.Null(Db.SortedSetScore(storage.Keys.SessionsByRun("old-run"), "s1"));
        Assert.Null(await storage.FindRunAsync("old-run", cancellationToken: Ct));
    }

    [Fact]
    public async Task Profile_and_knowledge_indexes_follow_changes_and_deletes()
    {
        await using var storage = Create();
        var k = storage.Keys;
        await storage.UpsertUserMemoryAsync(new UserMemory { UserId = "u1", AgentId = "a1", TeamId = "t1" }, Ct);
        await storage.UpsertUserMemoryAsync(new UserMemory { UserId = "u1", AgentId = "a2" }, Ct);
        Assert.Null(Db.SortedSetScore(k.UserMemoriesByAgent("a1"), "u1"));
        Assert.Null(Db.SortedSetScore(k.UserMemoriesByTeam("t1"), "u1"));
        Assert.NotNull(Db.SortedSetScore(k.UserMemoriesByAgent("a2"), "u1"));
        Assert.True(await storage.DeleteUserMemoryAsync("u1", Ct));
        Assert.Null(Db.SortedSetScore(k.UserMemoriesAll, "u1"));
        Assert.Null(Db.SortedSetScore(k.UserMemoriesByAgent("a2"), "u1"));

        await storage.UpsertKnowledgeContentAsync(new KnowledgeRow { Id = "k1", Name = "doc", KnowledgeBaseId = "kb1" }, Ct);
        await storage.UpsertKnowledgeContentAsync(new KnowledgeRow { Id = "k1", Name = "doc", KnowledgeBaseId = "kb2" }, Ct);
        Assert.Null(Db.SortedSetScore(k.KnowledgeByBase("kb1"), "k1"));
        Assert.NotNull(Db.SortedSetScore(k.KnowledgeByBase("kb2"), "k1"));
        Assert.True(await storage.DeleteKnowledgeContentAsync("k1", Ct));
        Assert.Null(Db.SortedSetScore(k.KnowledgeAll, "k1"));
        Assert.Null(Db.SortedSetScore(k.KnowledgeByBase("kb2"), "k1"));
    }

    [Fact]
    public async Task A_dangling_index_entry_is_never_listed_and_an_old_one_is_removed()
    {
        await using var storage = Create();
        await storage.UpsertSessionAsync(Session("real", "u1"), Ct);
        var old = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();
        var fresh = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await Db.SortedSetAddAsync(storage.Keys.SessionsByUser("u1"), "gone-old", old);
        await Db.SortedSetAddAsync(storage.Keys.SessionsByUser("u1"), "being-written", fresh);

        var page = await storage.GetSessionsAsync(new SessionQuery { UserId = "u1" }, Ct);

        Assert.Equal(["real"], Ids(page));
        Assert.Equal(1, page.Total);
        Assert.Null(Db.SortedSetScore(storage.Keys.SessionsByUser("u1"), "gone-old"));
        // An entry younger than the grace period may belong to a session whose write is in flight: it stays.
        Assert.NotNull(Db.SortedSetScore(storage.Keys.SessionsByUser("u1"), "being-written"));
    }

    [Fact]
    public async Task An_index_entry_whose_record_no_longer_matches_is_not_listed()
    {
        await using var storage = Create();
        await storage.UpsertSessionAsync(Session("s1", "u2"), Ct);
        await Db.SortedSetAddAsync(storage.Keys.SessionsByUser("u1"), "s1", DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds());

        Assert.Empty((await storage.GetSessionsAsync(new SessionQuery { UserId = "u1" }, Ct)).Items);
        Assert.Equal(0, await storage.DeleteUserDataAsync("u1", Ct));
        Assert.NotNull(await storage.GetSessionAsync("s1", cancellationToken: Ct));
    }
}
