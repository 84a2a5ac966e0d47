using System.Text.Json.Nodes;
using StackExchange.Redis;
using Upsonic.Storage;
using Upsonic.Storage.Redis;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Memory.Redis.Tests;

/// <summary>
/// Every path Memory uses, and every listing, works for a Redis ACL user that may not run SCAN or KEYS: proof that none of them scans.
/// </summary>
public sealed class RedisNoScanTests : IAsyncLifetime
{
    private readonly RedisTarget _target = new();
    private readonly string _user = "upsonic_noscan_" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _password = Guid.NewGuid().ToString("N");
    private ConnectionMultiplexer _admin = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _admin = await RedisTestServer.RequireAsync();
        try
        {
            await _admin.GetDatabase().ExecuteAsync("ACL", "SETUSER", _user, "reset", "on", ">" + _password, "~*", "+@all", "-scan", "-keys");
        }
        catch (RedisServerException ex)
        {
            Assert.Skip($"The test server does not allow creating an ACL user ({ex.Message}); this test needs Redis 6+ with ACL SETUSER permitted.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_admin is not null)
        {
            await _admin.GetDatabase().ExecuteAsync("ACL", "DELUSER", _user);
        }

        await _target.DisposeAsync();
    }

    [Fact]
    public async Task Memory_paths_and_listings_never_scan()
    {
        var prefix = _target.NewPrefix();
        await using var storage = new RedisStorage(RedisTestServer.Config + ",user=" + _user + ",password=" + _password, prefix);

        await storage.EnsureCreatedAsync(Ct);
        await storage.AppendRunAsync(Append("s1", Turn("r1", "hello", "u1", "a1"), agentName: "bot"), Ct);
        await storage.AppendRunAsync(Append("s1", Turn("r2", "again", "u1", "a1")), Ct);
        await storage.UpsertSessionAsync(Session("s2", "u2", "a1"), Ct);
        Assert.Equal(2, (await storage.LoadSessionWindowAsync("s1", 5, Ct))!.Turns.Count);
        Assert.True(await storage.UpdateSummaryAsync("s1", "summary", 2, Ct));
        Assert.True(await storage.MergeSessionMetadataAsync("s1", new JsonObject { ["k"] = "v" }, Ct));
        Assert.Equal(2, (await storage.GetRunsAfterAsync("s1", 0, 10, Ct)).Count);
        Assert.NotNull(await storage.GetRunAsync("s1", "r2", Ct));
        Assert.Equal("s1", (await storage.FindRunAsync("r1", "a1", Ct))!.SessionId);

        await storage.UpdateUserProfileAsync(new ProfileUpdate { UserId = "u1", Traits = new JsonObject { ["name"] = "Ann" }, AgentId = "a1" }, Ct);
        await storage.UpsertKnowledgeContentAsync(new KnowledgeRow { Id = "k1", Name = "doc", KnowledgeBaseId = "kb" }, Ct);

        Assert.Equal(2, (await storage.GetSessionsAsync(cancellationToken: Ct)).Total);
        Assert.Equal(2, (await storage.GetSessionsAsync(new SessionQuery { AgentId = "a1", SortBy = RecordSortField.UpdatedAt }, Ct)).Total);
        Assert.Equal(1, (await storage.GetSessionsAsync(new SessionQuery { UserId = "u1" }, Ct)).Total);
        Assert.Equal(2, (await storage.GetSessionsAsync(new SessionQuery { SessionType = SessionType.Agent }, Ct)).Total);
        Assert.NotNull(await storage.GetSessionAsync(cancellationToken: Ct));
        Assert.Equal("u1", (await storage.GetUserMemoryAsync(agentId: "a1", cancellationToken: Ct))!.UserId);
        Assert.Equal(1, (await storage.GetUserMemoriesAsync(cancellationToken: Ct)).Total);
        Assert.Equal(1, (await storage.GetKnowledgeContentsAsync(new KnowledgeQuery { KnowledgeBaseId = "kb" }, Ct)).Total);
        Assert.Equal(1, (await storage.GetKnowledgeContentsAsync(cancellationToken: Ct)).Total);
        Assert.Equal(1, await storage.DeleteUserDataAsync("u1", Ct));
        Assert.True(await storage.DeleteSessionAsync("s2", Ct));
        Assert.Equal(1, await storage.DeleteKnowledgeContentsAsync(["k1"], Ct));

        // The ACL really denies SCAN: ClearAllAsync, the one operation documented to scan, fails for this user.
        await Assert.ThrowsAsync<StorageException>(() => storage.ClearAllAsync(Ct));
    }
}
