using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Upsonic.Storage;
using Upsonic.Storage.Backends;
using Upsonic.Storage.Mem0;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Memory.Mem0.Tests;

/// <summary>What retention costs and removes on Mem0, request by request and memory by memory (the shared
/// <c>RetentionContract</c> checks the behaviour itself).</summary>
public sealed partial class Mem0RetentionTests : IAsyncLifetime
{
    private readonly Mem0TestServer _server = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string BigText = string.Concat(Enumerable.Range(0, 3000).Select(i => $"{i * 7919 % 10007:x}-"));

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private Mem0Storage Storage(string mem0User, int? expire) => new(new Mem0StorageOptions
    {
        ApiKey = _server.ApiKey, BaseUrl = _server.BaseUrl, DefaultUserId = mem0User, RetryDelay = TimeSpan.Zero, Expire = expire,
    }, timeProvider: _clock);

    [Fact]
    public void The_upstream_style_constructor_takes_expire_and_rejects_one_that_is_not_positive()
    {
        using var storage = new Mem0Storage(apiKey: "key", expire: 60);
        Assert.Equal(60, storage.Expire);
        Assert.Equal("expire", Assert.Throws<ArgumentOutOfRangeException>(() => new Mem0Storage(apiKey: "key", expire: 0)).ParamName);
    }

    [Fact]
    public async Task With_expire_a_write_sends_the_same_requests_as_without_it_except_the_sweeps_two_listings_once_a_minute()
    {
        await using var plain = Storage("plain", expire: null);
        await using var expiring = Storage("expiring", expire: 3600);
        var profile = new ProfileUpdate { UserId = "u1", Traits = new JsonObject { ["t"] = "v" } };

        var plainFirst = await RequestsOfAsync(() => plain.AppendRunAsync(Append("s1", Turn("r1", "q1")), Ct));
        var expiringFirst = await RequestsOfAsync(() => expiring.AppendRunAsync(Append("s1", Turn("r1", "q1")), Ct));
        _clock.Advance(TimeSpan.FromSeconds(30));
        foreach (var write in new Func<Mem0Storage, Task>[]
        {
            s => s.AppendRunAsync(Append("s1", Turn("r2", "q2")), Ct),
            s => s.UpdateSummaryAsync("s1", "summary", 1, Ct),
            s => s.MergeSessionMetadataAsync("s1", new JsonObject { ["k"] = "v" }, Ct),
            s => s.UpdateUserProfileAsync(profile, Ct),
            s => s.UpsertSessionAsync(Session("s2"), Ct),
        })
        {
            Assert.Equal(await RequestsOfAsync(() => write(plain)), await RequestsOfAsync(() => write(expiring)));
        }

        // The first write of the expiring storage ran the sweep first: one listing of session and one of profile main memories.
        Assert.Equal(plainFirst, expiringFirst.Skip(2));
        Assert.Equal(["POST /v2/memories/", "POST /v2/memories/"], expiringFirst.Take(2));
        var sweepFilters = _server.Requests.Where(r => r.Body["filters"]?.ToJsonString().Contains("\"expiring\"", StringComparison.Ordinal) == true)
            .Take(2).Select(r => r.Body["filters"]!.ToJsonString()).ToList();
        Assert.Contains("\"_type\":\"session\"", sweepFilters[0], StringComparison.Ordinal);
        Assert.Contains("\"_type\":\"user_memory\"", sweepFilters[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_write_to_an_expired_session_overwrites_its_memory_in_place_and_deletes_the_expired_chunks()
    {
        // expire shorter than the sweep interval, so the write below finds the session expired and the sweep not yet due.
        await using var storage = Storage("u", expire: 30);
        await storage.AppendRunAsync(Append("big", Turn("r1", BigText)), Ct);
        var before = Assert.Single(_server.Memories, m => (string?)m.Metadata["_type"] == "session");
        Assert.Contains(_server.Memories, m => (string?)m.Metadata["_type"] == "session_chunk");

        _clock.Advance(TimeSpan.FromSeconds(30));
        await storage.AppendRunAsync(Append("big", Turn("r2", "fresh")), Ct);

        var after = Assert.Single(_server.Memories);
        Assert.Equal(before.Id, after.Id);
        Assert.False((bool?)after.Metadata["_chunked"]);
        var session = await storage.GetSessionAsync("big", cancellationToken: Ct);
        Assert.Equal(["fresh", "answer to fresh"], session!.Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task The_sweep_deletes_an_expired_large_session_with_every_chunk_and_an_expired_profile_and_keeps_live_records()
    {
        await using var storage = Storage("u", expire: 60);
        await storage.AppendRunAsync(Append("big", Turn("r1", BigText)), Ct);
        await storage.UpsertUserMemoryAsync(new UserMemory { UserId = "old", Profile = new JsonObject { ["t"] = "old" } }, Ct);
        _clock.Advance(TimeSpan.FromSeconds(50));
        await storage.AppendRunAsync(Append("live", Turn("r1", "q")), Ct);
        Assert.True(_server.Memories.Count(m => (string?)m.Metadata["_parent_id"] == "session__upsonic_sessions__big") > 1);

        _clock.Advance(StorageBase.ExpirySweepInterval - TimeSpan.FromSeconds(49));
        await storage.UpsertUserMemoryAsync(new UserMemory { UserId = "new", Profile = new JsonObject { ["t"] = "new" } }, Ct);

        Assert.Equal(
            ["session__upsonic_sessions__live", "user_memory__upsonic_user_memories__new"],
            _server.Memories.Select(m => (string?)m.Metadata["_upsonic_memory_id"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Forgetting_a_user_also_deletes_their_expired_sessions_which_no_read_returns_but_mem0_still_holds()
    {
        await using var storage = Storage("u", expire: 30);
        await storage.AppendRunAsync(Append("s1", Turn("r1", "q", userId: "gone")), Ct);
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Null(await storage.GetSessionAsync("s1", cancellationToken: Ct));
        Assert.NotEmpty(_server.Memories);

        await storage.DeleteUserDataAsync("gone", Ct);

        Assert.Empty(_server.Memories);
    }

    /// <summary>The requests <paramref name="write"/> sends, as method and path (Mem0's memory ids masked).</summary>
    private async Task<IReadOnlyList<string>> RequestsOfAsync(Func<Task> write)
    {
        var before = _server.Requests.Count;
        await write();
        return _server.Requests.Skip(before).Select(r => $"{r.Method} {MemoryId().Replace(r.Path, "{id}")}").ToList();
    }

    [GeneratedRegex("mem-[0-9]+")]
    private static partial Regex MemoryId();
}
