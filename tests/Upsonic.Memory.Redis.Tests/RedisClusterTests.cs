using System.Diagnostics;
using System.Text.Json.Nodes;
using Upsonic.Storage;
using Upsonic.Storage.Redis;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Memory.Redis.Tests;

/// <summary>
/// A real three-node Redis Cluster, built by the test: every operation works, which proves that no script or transaction spans
/// two hash slots (Redis rejects those with CROSSSLOT).
/// </summary>
public sealed class RedisClusterTests : IAsyncLifetime
{
    private readonly List<PrivateRedisServer> _nodes = [];
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "upsonic-redis-cluster", Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await RedisTestServer.RequireAsync();
        Directory.CreateDirectory(_dir);
        for (var i = 0; i < 3; i++)
        {
            _nodes.Add(await PrivateRedisServer.StartAsync(
                "--cluster-enabled", "yes", "--cluster-config-file", Path.Combine(_dir, $"nodes-{i}.conf"), "--dir", _dir));
        }

        var create = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        create.ArgumentList.Add("--cluster");
        create.ArgumentList.Add("create");
        foreach (var node in _nodes)
        {
            create.ArgumentList.Add(node.Endpoint);
        }

        create.ArgumentList.Add("--cluster-replicas");
        create.ArgumentList.Add("0");
        create.ArgumentList.Add("--cluster-yes");
        using var process = Process.Start(create)!;
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        Assert.True(process.ExitCode == 0 && (await output).Contains("All 16384 slots covered", StringComparison.Ordinal), "redis-cli --cluster create failed: " + await output);

        // Each node logs when it sees the whole cluster: wait for those lines instead of polling.
        await Task.WhenAll(_nodes.Select(n => n.WaitForLineAsync("Cluster state changed: ok")));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Every_operation_works_on_a_three_node_cluster()
    {
        await using var storage = new RedisStorage(string.Join(",", _nodes.Select(n => n.Endpoint)), "cluster", expire: 600);
        var keys = storage.Keys;
        var client = await storage.ConnectionAsync();
        var slots = new[] { "s1", "s2", "s3", "s4" }.Select(s => client.HashSlot(keys.Session(s).Head)).Append(client.HashSlot(keys.SessionsAll)).Distinct().Count();
        Assert.True(slots > 1, "the sessions and the indexes should spread over several slots");

        await storage.EnsureCreatedAsync(Ct);
        foreach (var id in new[] { "s1", "s2", "s3" })
        {
            await storage.AppendRunAsync(Append(id, Turn(id + "-r1", "hello " + id, "u1", "a1")), Ct);
            await storage.AppendRunAsync(Append(id, Turn(id + "-r2", "again " + id, "u1", "a1")), Ct);
        }

        await storage.UpsertSessionAsync(Session("s4", "u2", "a1"), Ct);
        Assert.Equal(2, (await storage.LoadSessionWindowAsync("s2", 5, Ct))!.Turns.Count);
        Assert.True(await storage.UpdateSummaryAsync("s1", "sum", 1, Ct));
        Assert.True(await storage.MergeSessionMetadataAsync("s1", new JsonObject { ["k"] = 1 }, Ct));
        Assert.Equal("s3", (await storage.FindRunAsync("s3-r2", cancellationToken: Ct))!.SessionId);
        Assert.Equal(2, (await storage.GetRunsAfterAsync("s3", 0, 5, Ct)).Count);
        Assert.Equal(4, (await storage.GetSessionsAsync(cancellationToken: Ct)).Total);
        Assert.Equal(3, (await storage.GetSessionsAsync(new SessionQuery { UserId = "u1" }, Ct)).Total);

        await storage.UpdateUserProfileAsync(new ProfileUpdate { UserId = "u1", Traits = new JsonObject { ["name"] = "Ann" } }, Ct);
        await storage.UpsertKnowledgeContentAsync(new KnowledgeRow { Id = "k1", Name = "doc", KnowledgeBaseId = "kb" }, Ct);
        Assert.Equal(1, (await storage.GetUserMemoriesAsync(cancellationToken: Ct)).Total);
        Assert.Equal(1, (await storage.GetKnowledgeContentsAsync(new KnowledgeQuery { KnowledgeBaseId = "kb" }, Ct)).Total);

        Assert.Equal(3, await storage.DeleteUserDataAsync("u1", Ct));
        Assert.Equal(["s4"], Ids(await storage.GetSessionsAsync(cancellationToken: Ct)));
        Assert.Null(await storage.GetUserMemoryAsync("u1", cancellationToken: Ct));

        await storage.ClearAllAsync(Ct);
        Assert.Equal(0, (await storage.GetSessionsAsync(cancellationToken: Ct)).Total);
        Assert.Equal(0, (await storage.GetKnowledgeContentsAsync(cancellationToken: Ct)).Total);
    }
}
