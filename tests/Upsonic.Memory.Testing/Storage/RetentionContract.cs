using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Upsonic.Storage;
using Xunit;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Storage.Testing;

/// <summary>
/// Retention (<c>expire</c>): a session (head, messages, runs) and a user memory expire <c>expire</c> seconds after their last write;
/// every read filters them at once, a write to an expired session starts it afresh, and a sweep removes them from the engine.
/// Time is a <see cref="FakeTimeProvider"/>, moved by the tests; nothing sleeps.
/// </summary>
/// <typeparam name="TTarget">The backend's target.</typeparam>
public abstract class RetentionContract<TTarget> : ConcurrencyContract<TTarget>
    where TTarget : StorageTarget, new()
{
    private const int Expire = 60;

    /// <summary>The fake clock of the current test's expiring storages.</summary>
    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>A fresh storage whose records expire after <paramref name="expire"/> seconds by <see cref="Clock"/>.</summary>
    protected Task<IStorage> ExpiringAsync(int? expire = Expire) => CreateExpiringAsync(expire, Clock);

    [Fact]
    public async Task A_session_and_a_profile_are_not_returned_by_any_read_once_expire_seconds_have_passed_since_their_last_write()
    {
        var storage = await ExpiringAsync();
        await AppendTurnsAsync(storage, "s1", 2, userId: "u1", agentId: "a1", ct: Ct);
        await storage.UpsertUserMemoryAsync(new UserMemory { UserId = "u1", Profile = new JsonObject { ["name"] = "Ada" }, AgentId = "a1" }, Ct);

        Clock.Advance(TimeSpan.FromSeconds(Expire - 1));
        Assert.NotNull(await storage.LoadSessionWindowAsync("s1", null, Ct));
        Assert.NotNull(await storage.GetUserMemoryAsync("u1", cancellationToken: Ct));

        Clock.Advance(TimeSpan.FromSeconds(1));
        await AssertSessionGoneAsync(storage, "s1", "u1");
        Assert.Null(await storage.GetUserMemoryAsync("u1", cancellationToken: Ct));
        Assert.Null(await storage.GetUserMemoryAsync(agentId: "a1", cancellationToken: Ct));
        var profiles = await storage.GetUserMemoriesAsync(new UserMemoryQuery(), Ct);
        Assert.Empty(profiles.Items);
        Assert.Equal(0, profiles.Total);
    }

    [Fact]
    public async Task Every_write_keeps_a_session_alive_for_another_expire_seconds()
    {
        var storage = await ExpiringAsync();
        await AppendTurnsAsync(storage, "s1", 1, ct: Ct);

        Clock.Advance(TimeSpan.FromSeconds(40));
        await storage.AppendRunAsync(Append("s1", Turn("r2", "q2")), Ct);
        Clock.Advance(TimeSpan.FromSeconds(40));
        Assert.True(await storage.UpdateSummaryAsync("s1", "a summary", 1, Ct));
        Clock.Advance(TimeSpan.FromSeconds(40));
        Assert.True(await storage.MergeSessionMetadataAsync("s1", new JsonObject { ["k"] = "v" }, Ct));
        Clock.Advance(TimeSpan.FromSeconds(Expire - 1));

        var window = await storage.LoadSessionWindowAsync("s1", null, Ct);
        Assert.Equal(2, window!.Turns.Count);
        Assert.Equal("a summary", window.Session.Summary);
        Assert.Equal(2, (await storage.GetSessionAsync("s1", cancellationToken: Ct))!.Runs.Count);

        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await storage.LoadSessionWindowAsync("s1", null, Ct));
    }

    [Fact]
    public async Task Writing_to_an_expired_session_or_profile_starts_it_afresh()
    {
        var storage = await ExpiringAsync();
        await AppendTurnsAsync(storage, "s1", 2, ct: Ct);
        await storage.UpdateUserProfileAsync(new ProfileUpdate { UserId = "u1", Traits = new JsonObject { ["old"] = "trait" } }, Ct);

        Clock.Advance(TimeSpan.FromSeconds(Expire));
        Assert.False(await storage.UpdateSummaryAsync("s1", "late", 10, Ct));
        Assert.False(await storage.MergeSessionMetadataAsync("s1", new JsonObject { ["k"] = "v" }, Ct));
        var result = await storage.AppendRunAsync(Append("s1", Turn("r9", "fresh")), Ct);
        var profile = await storage.UpdateUserProfileAsync(new ProfileUpdate { UserId = "u1", Traits = new JsonObject { ["new"] = "trait" } }, Ct);

        var session = await storage.GetSessionAsync("s1", cancellationToken: Ct);
        Assert.Equal(["fresh", "answer to fresh"], session!.Messages.Select(m => m.Text));
        Assert.Equal(["r9"], session.Runs.Select(r => r.RunId));
        Assert.Null(session.Summary);
        Assert.Null(await storage.GetRunAsync("s1", "r1", Ct));
        Assert.True(result.SessionCreated);
        Assert.Equal(["new"], profile.Profile.Select(p => p.Key));
    }

    [Fact]
    public async Task A_paused_run_continued_at_the_instant_its_session_expires_is_saved_whole_in_a_fresh_session()
    {
        var storage = await ExpiringAsync();
        await AppendTurnsAsync(storage, "s1", 1, ct: Ct);
        await storage.AppendRunAsync(Append("s1", Run("r2", RunStatus.Paused, messages: [User("q2")])), Ct);

        Clock.Advance(TimeSpan.FromSeconds(Expire));
        var result = await storage.AppendRunAsync(Append("s1", Run("r2", messages: [User("q2"), Assistant("a2")])), Ct);

        Assert.True(result.SessionCreated);
        Assert.True(result.RunCreated);
        Assert.Equal(2, result.MessagesAppended);
        var run = await storage.GetRunAsync("s1", "r2", Ct);
        Assert.Equal(RunStatus.Completed, run!.Status);
        Assert.Equal(["q2", "a2"], run.Messages.Select(m => m.Text));
        var session = await storage.GetSessionAsync("s1", cancellationToken: Ct);
        Assert.Equal(["r2"], session!.Runs.Select(r => r.RunId));
        Assert.Equal(["q2", "a2"], session.Messages.Select(m => m.Text));
        Assert.Null(await storage.GetRunAsync("s1", "r1", Ct));
    }

    [Fact]
    public async Task A_paused_run_continued_a_millisecond_before_its_session_expires_continues_the_session()
    {
        var storage = await ExpiringAsync();
        await AppendTurnsAsync(storage, "s1", 1, ct: Ct);
        await storage.AppendRunAsync(Append("s1", Run("r2", RunStatus.Paused, messages: [User("q2")])), Ct);

        Clock.Advance(TimeSpan.FromSeconds(Expire) - TimeSpan.FromMilliseconds(1));
        var result = await storage.AppendRunAsync(Append("s1", Run("r2", messages: [User("q2"), Assistant("a2")])), Ct);

        Assert.False(result.SessionCreated);
        Assert.False(result.RunCreated);
        Assert.Equal(1, result.MessagesAppended);
        var session = await storage.GetSessionAsync("s1", cancellationToken: Ct);
        Assert.Equal(["r1", "r2"], session!.Runs.Select(r => r.RunId));
        Assert.Equal(RunStatus.Completed, session.Runs[1].Status);
        Assert.Equal(["q1", "answer to q1", "q2", "a2"], session.Messages.Select(m => m.Text));
        Clock.Advance(TimeSpan.FromSeconds(Expire) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(["q2", "a2"], (await storage.GetRunAsync("s1", "r2", Ct))!.Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task Upserting_a_record_counts_as_a_write()
    {
        var storage = await ExpiringAsync();
        await storage.UpsertSessionAsync(Session("s1", userId: "u1"), Ct);
        await storage.UpsertUserMemoryAsync(new UserMemory { UserId = "u1", Profile = new JsonObject { ["a"] = 1 } }, Ct);

        Clock.Advance(TimeSpan.FromSeconds(Expire - 1));
        await storage.UpsertSessionsAsync([Session("s1", userId: "u1")], Ct);
        await storage.UpsertUserMemoriesAsync([new UserMemory { UserId = "u1", Profile = new JsonObject { ["a"] = 2 } }], Ct);
        Clock.Advance(TimeSpan.FromSeconds(Expire - 1));

        Assert.NotNull(await storage.GetSessionAsync("s1", cancellationToken: Ct));
        Assert.Equal(2, (int)(await storage.GetUserMemoryAsync("u1", cancellationToken: Ct))!.Profile["a"]!);
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await storage.GetSessionAsync("s1", cancellationToken: Ct));
        Assert.Null(await storage.GetUserMemoryAsync("u1", cancellationToken: Ct));
    }

    [Fact]
    public async Task Without_expire_records_never_expire()
    {
        var storage = await ExpiringAsync(expire: null);
        await AppendTurnsAsync(storage, "s1", 1, userId: "u1", ct: Ct);
        await storage.UpsertUserMemoryAsync(new UserMemory { UserId = "u1", Profile = new JsonObject { ["a"] = 1 } }, Ct);

        Clock.Advance(TimeSpan.FromDays(3650));

        Assert.Single((await storage.LoadSessionWindowAsync("s1", null, Ct))!.Turns);
        Assert.NotNull(await storage.GetUserMemoryAsync("u1", cancellationToken: Ct));
    }

    [Fact]
    public async Task Expired_sessions_and_profiles_are_removed_from_the_engine_by_the_sweep_on_a_later_write()
    {
        var storage = await ExpiringAsync();
        await storage.AppendRunAsync(Append("old-session-x7", Turn("old-run-x7", "old-text-x7", userId: "old-user-x7")), Ct);
        await storage.UpsertUserMemoryAsync(new UserMemory { UserId = "old-user-x7", Profile = new JsonObject { ["t"] = "old-trait-x7" } }, Ct);
        Assert.Contains(await Target.ReadRawContentsAsync(storage), r => r.Contains("old-text-x7", StringComparison.Ordinal));

        Clock.Advance(StorageBase.ExpirySweepInterval + TimeSpan.FromSeconds(Expire));
        await storage.AppendRunAsync(Append("new-session", Turn("new-run", "new-text")), Ct);

        var raw = await Target.ReadRawContentsAsync(storage);
        Assert.DoesNotContain(raw, r => r.Contains("-x7", StringComparison.Ordinal));
        Assert.Contains(raw, r => r.Contains("new-text", StringComparison.Ordinal));
    }

    [Fact]
    public void Expire_must_be_positive()
    {
        foreach (var expire in new[] { 0, -1 })
        {
            var ex = Assert.ThrowsAny<ArgumentException>(() => Target.CreateExpiringAsync(expire, Clock).GetAwaiter().GetResult());
            Assert.Equal("expire", ex.ParamName);
        }
    }

    private static async Task AssertSessionGoneAsync(IStorage storage, string sessionId, string userId)
    {
        Assert.Null(await storage.LoadSessionWindowAsync(sessionId, null, Ct));
        Assert.Null(await storage.LoadSessionWindowAsync(sessionId, 1, Ct));
        Assert.Null(await storage.GetSessionAsync(sessionId, cancellationToken: Ct));
        Assert.Null(await storage.GetSessionAsync(userId: userId, cancellationToken: Ct));
        var page = await storage.GetSessionsAsync(new SessionQuery(), Ct);
        Assert.Empty(page.Items);
        Assert.Equal(0, page.Total);
        Assert.Equal(0, (await storage.GetSessionsAsync(new SessionQuery { SessionIds = [sessionId] }, Ct)).Total);
        Assert.Null(await storage.GetRunAsync(sessionId, "r1", Ct));
        Assert.Null(await storage.FindRunAsync("r1", cancellationToken: Ct));
        Assert.Empty(await storage.GetRunsAfterAsync(sessionId, 0, 10, Ct));
    }
}
