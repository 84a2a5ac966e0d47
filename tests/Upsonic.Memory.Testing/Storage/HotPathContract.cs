using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Upsonic.Storage;
using Xunit;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Storage.Testing;

/// <summary>The per-turn hot path that Memory uses: append a run, load a window, read runs, summary, metadata and profile updates, forget a user.</summary>
/// <typeparam name="TTarget">The backend's target.</typeparam>
public abstract class HotPathContract<TTarget> : BadInputContract<TTarget>
    where TTarget : StorageTarget, new()
{
    [Fact]
    public async Task Appending_the_first_run_creates_the_session_head_with_the_runs_agent_and_user()
    {
        var storage = await CreateAsync();

        var result = await storage.AppendRunAsync(Append("s1", Turn("r1", "hi", "u1", "a1"), agentName: "Helper"), Ct);
        var window = await storage.LoadSessionWindowAsync("s1", null, Ct);

        Assert.Equal(new RunAppendResult(1, 2, SessionCreated: true, RunCreated: true), result);
        var head = window!.Session;
        Assert.Equal(("s1", "u1", "a1", SessionType.Agent), (head.SessionId, head.UserId, head.AgentId, head.SessionType));
        SameJson(new JsonObject(), head.Metadata);
        SameJson(new JsonObject { ["agent_name"] = "Helper" }, head.AgentData);
        Assert.NotNull(head.CreatedAt);
        Assert.NotNull(head.UpdatedAt);
        Assert.Equal(["u: hi", "a: answer to hi"], window.Turns.Single().Messages.Select(m => $"{m.Role.Value[0]}: {m.Text}"));
    }

    [Fact]
    public async Task Changing_an_appended_runs_messages_afterwards_does_not_change_what_is_stored()
    {
        var storage = await CreateAsync();
        var run = Turn("r1", "hi");
        var reasoning = new ChatMessage(ChatRole.Assistant,
            [new TextReasoningContent("thinking"), new TextContent("done")]);
        run.Messages.Add(reasoning);
        await storage.AppendRunAsync(Append("s1", run), Ct);

        ((TextContent)run.Messages[0].Contents[0]).Text = "changed";
        run.Messages[1].Contents.Clear();
        reasoning.Contents.Add(new TextContent("added"));
        reasoning.AuthorName = "someone";
        var window = await storage.LoadSessionWindowAsync("s1", null, Ct);

        var stored = window!.Turns.Single().Messages;
        Assert.Equal(["hi", "answer to hi", "done"], stored.Select(m => m.Text));
        Assert.Null(stored[2].AuthorName);
        Assert.Equal("thinking", Assert.IsType<TextReasoningContent>(stored[2].Contents[0]).Text);
    }

    [Fact]
    public async Task Later_runs_get_sequences_one_to_n_and_never_change_the_head_ids()
    {
        var storage = await CreateAsync();
        var sequences = new List<long>();
        for (var i = 1; i <= 4; i++)
        {
            sequences.Add((await storage.AppendRunAsync(Append("s1", Turn($"r{i}", $"q{i}", i == 1 ? "u1" : "u-other", "a1")), Ct)).Sequence);
        }

        var session = await storage.GetSessionAsync("s1", cancellationToken: Ct);

        Assert.Equal([1L, 2L, 3L, 4L], sequences);
        Assert.Equal([1L, 2L, 3L, 4L], session!.Runs.Select(r => r.Sequence));
        Assert.Equal(["r1", "r2", "r3", "r4"], session.Runs.Select(r => r.RunId));
        Assert.Equal("u1", session.UserId);
        Assert.Equal(8, session.Messages.Count);
    }

    [Fact]
    public async Task Re_saving_a_run_appends_only_its_new_messages_and_keeps_its_sequence_and_created_at()
    {
        var storage = await CreateAsync();
        await storage.AppendRunAsync(Append("s1", Turn("r0", "before")), Ct);
        var paused = Run("r1", RunStatus.Paused, messages: [User("delete it")]);
        var first = await storage.AppendRunAsync(Append("s1", paused), Ct);
        var created = (await storage.GetRunAsync("s1", "r1", Ct))!.CreatedAt;
        NextMillisecond();

        var done = Run("r1", RunStatus.Completed, messages: [User("delete it"), Assistant("deleted")]);
        var second = await storage.AppendRunAsync(Append("s1", done), Ct);
        var run = await storage.GetRunAsync("s1", "r1", Ct);

        Assert.Equal(new RunAppendResult(2, 1, false, true), first);
        Assert.Equal(new RunAppendResult(2, 1, false, false), second);
        Assert.Equal(RunStatus.Completed, run!.Status);
        Assert.Equal(2, run.Sequence);
        Assert.Equal(created, run.CreatedAt);
        Assert.True(run.UpdatedAt > created);
        Assert.Equal(["delete it", "deleted"], run.Messages.Select(m => m.Text));
        Assert.Equal(4, (await storage.GetSessionAsync("s1", cancellationToken: Ct))!.Messages.Count);
    }

    [Fact]
    public async Task Usage_is_counted_once_per_run_across_pause_and_completion()
    {
        var storage = await CreateAsync();
        await storage.AppendRunAsync(Append("s1", Run("r1", RunStatus.Paused, usage: Usage(6, 4), messages: [User("q")])), Ct);
        await storage.AppendRunAsync(Append("s1", Run("r1", RunStatus.Completed, usage: Usage(9, 6), messages: [User("q"), Assistant("a")])), Ct);

        var afterOne = (await storage.LoadSessionWindowAsync("s1", 0, Ct))!.Session.Usage;
        await storage.AppendRunAsync(Append("s1", Run("r2", usage: Usage(3, 2), messages: [User("q2")])), Ct);
        var afterTwo = (await storage.LoadSessionWindowAsync("s1", 0, Ct))!.Session.Usage;

        Assert.Equal((9L, 6L, 15L), (afterOne!.InputTokenCount!.Value, afterOne.OutputTokenCount!.Value, afterOne.TotalTokenCount!.Value));
        Assert.Equal(20L, afterTwo!.TotalTokenCount);
        Assert.Equal(15L, (await storage.GetRunAsync("s1", "r1", Ct))!.Usage!.TotalTokenCount);
    }

    [Fact]
    public async Task Messages_saved_outside_history_are_in_the_run_record_but_not_in_history()
    {
        var storage = await CreateAsync();
        await storage.AppendRunAsync(Append("s1", Turn("r1", "kept")), Ct);
        await storage.AppendRunAsync(Append("s1", Turn("r2", "hidden"), addToHistory: false), Ct);

        var window = await storage.LoadSessionWindowAsync("s1", null, Ct);
        var session = await storage.GetSessionAsync("s1", cancellationToken: Ct);

        Assert.Equal(["kept", "answer to kept"], window!.Turns.SelectMany(t => t.Messages).Select(m => m.Text));
        Assert.Equal(["kept", "answer to kept"], session!.Messages.Select(m => m.Text));
        Assert.Equal(["hidden", "answer to hidden"], session.Runs[1].Messages.Select(m => m.Text));
        Assert.Equal(["hidden", "answer to hidden"], (await storage.GetRunAsync("s1", "r2", Ct))!.Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task A_window_of_all_turns_returns_whole_turns_oldest_first()
    {
        var storage = await CreateAsync();
        await AppendTurnsAsync(storage, "s1", 4, ct: Ct);

        var window = await storage.LoadSessionWindowAsync("s1", null, Ct);

        Assert.Equal([1L, 2L, 3L, 4L], window!.Turns.Select(t => t.Turn));
        Assert.Equal(["r1", "r2", "r3", "r4"], window.Turns.Select(t => t.RunId));
        Assert.All(window.Turns, t => Assert.Equal([$"q{t.Turn}", $"answer to q{t.Turn}"], t.Messages.Select(m => m.Text)));
    }

    [Fact]
    public async Task A_window_of_n_turns_returns_the_last_n_whole_turns_that_have_history()
    {
        var storage = await CreateAsync();
        await AppendTurnsAsync(storage, "s1", 3, ct: Ct);
        await storage.AppendRunAsync(Append("s1", Turn("hidden", "not in history"), addToHistory: false), Ct);
        await storage.AppendRunAsync(Append("s1", Run("r5", messages: [User("q5"), Assistant("calling"), new(ChatRole.Tool, "result"), Assistant("done")])), Ct);

        var window = await storage.LoadSessionWindowAsync("s1", 2, Ct);

        Assert.Equal([3L, 5L], window!.Turns.Select(t => t.Turn));
        Assert.Equal(["q3", "answer to q3"], window.Turns[0].Messages.Select(m => m.Text));
        Assert.Equal(["q5", "calling", "result", "done"], window.Turns[1].Messages.Select(m => m.Text));
        Assert.Equal([1L, 2L, 3L, 5L], (await storage.LoadSessionWindowAsync("s1", 100, Ct))!.Turns.Select(t => t.Turn));
    }

    [Fact]
    public async Task A_window_of_zero_turns_returns_only_the_head()
    {
        var storage = await CreateAsync();
        await AppendTurnsAsync(storage, "s1", 3, "u1", ct: Ct);
        await storage.UpdateSummaryAsync("s1", "so far", 2, Ct);
        await storage.MergeSessionMetadataAsync("s1", new JsonObject { ["topic"] = "weather" }, Ct);

        var window = await storage.LoadSessionWindowAsync("s1", 0, Ct);

        Assert.Empty(window!.Turns);
        Assert.Equal(("so far", 2L, "u1"), (window.Session.Summary, window.Session.SummaryWatermark, window.Session.UserId));
        SameJson(new JsonObject { ["topic"] = "weather" }, window.Session.Metadata);
        Assert.Empty(window.Session.Messages);
    }

    [Fact]
    public async Task A_window_of_a_missing_session_is_null()
    {
        var storage = await CreateAsync();
        Assert.Null(await storage.LoadSessionWindowAsync("missing", null, Ct));
    }

    [Fact]
    public async Task Get_run_reads_one_run_of_one_session()
    {
        var storage = await CreateAsync();
        await AppendTurnsAsync(storage, "s1", 2, "u1", "a1", Ct);

        var run = await storage.GetRunAsync("s1", "r2", Ct);

        Assert.Equal(("r2", "s1", 2L, "u1", "a1", RunStatus.Completed), (run!.RunId, run.SessionId, run.Sequence, run.UserId, run.AgentId, run.Status));
        Assert.Equal(["q2", "answer to q2"], run.Messages.Select(m => m.Text));
        Assert.Null(await storage.GetRunAsync("s1", "missing", Ct));
        Assert.Null(await storage.GetRunAsync("s2", "r2", Ct));
    }

    [Fact]
    public async Task Find_run_finds_a_run_in_any_session_optionally_only_for_one_agent()
    {
        var storage = await CreateAsync();
        await storage.AppendRunAsync(Append("s1", Turn("r-a", "one", agentId: "a1")), Ct);
        await storage.AppendRunAsync(Append("s2", Turn("r-b", "two", agentId: "a2")), Ct);

        Assert.Equal("s2", (await storage.FindRunAsync("r-b", cancellationToken: Ct))!.SessionId);
        Assert.Equal(["two", "answer to two"], (await storage.FindRunAsync("r-b", "a2", Ct))!.Messages.Select(m => m.Text));
        Assert.Null(await storage.FindRunAsync("r-b", "a1", Ct));
        Assert.Null(await storage.FindRunAsync("missing", cancellationToken: Ct));
    }

    [Fact]
    public async Task Runs_after_a_watermark_are_the_most_recent_ones_oldest_first()
    {
        var storage = await CreateAsync();
        await AppendTurnsAsync(storage, "s1", 5, ct: Ct);

        Assert.Equal([4L, 5L], (await storage.GetRunsAfterAsync("s1", 1, 2, Ct)).Select(r => r.Sequence));
        Assert.Equal(["r4", "r5"], (await storage.GetRunsAfterAsync("s1", 3, 10, Ct)).Select(r => r.RunId));
        Assert.Equal(["q5", "answer to q5"], (await storage.GetRunsAfterAsync("s1", 4, 10, Ct)).Single().Messages.Select(m => m.Text));
        Assert.Empty(await storage.GetRunsAfterAsync("s1", 5, 10, Ct));
        Assert.Empty(await storage.GetRunsAfterAsync("s1", 0, 0, Ct));
        Assert.Empty(await storage.GetRunsAfterAsync("missing", 0, 10, Ct));
    }

    [Fact]
    public async Task A_summary_is_written_only_when_its_watermark_does_not_go_back()
    {
        var storage = await CreateAsync();
        await AppendTurnsAsync(storage, "s1", 4, ct: Ct);

        Assert.True(await storage.UpdateSummaryAsync("s1", "after 3", 3, Ct));
        Assert.False(await storage.UpdateSummaryAsync("s1", "stale", 2, Ct));
        var head = (await storage.LoadSessionWindowAsync("s1", 0, Ct))!.Session;
        Assert.Equal(("after 3", 3L), (head.Summary, head.SummaryWatermark));

        // An equal watermark rewrites: a pass that adds a run completed late (at or below the watermark) keeps the watermark.
        Assert.True(await storage.UpdateSummaryAsync("s1", "after 3, with a late run", 3, Ct));
        head = (await storage.LoadSessionWindowAsync("s1", 0, Ct))!.Session;
        Assert.Equal(("after 3, with a late run", 3L), (head.Summary, head.SummaryWatermark));

        Assert.True(await storage.UpdateSummaryAsync("s1", "after 4", 4, Ct));
        Assert.Equal("after 4", (await storage.GetSessionAsync("s1", cancellationToken: Ct))!.Summary);
        Assert.False(await storage.UpdateSummaryAsync("missing", "x", 1, Ct));
        Assert.Null(await storage.GetSessionAsync("missing", cancellationToken: Ct));
    }

    [Fact]
    public async Task Merging_metadata_adds_and_overwrites_keys_and_keeps_the_others()
    {
        var storage = await CreateAsync();
        await AppendTurnsAsync(storage, "s1", 1, ct: Ct);
        var before = (await storage.LoadSessionWindowAsync("s1", 0, Ct))!.Session.UpdatedAt;
        NextMillisecond();

        Assert.True(await storage.MergeSessionMetadataAsync("s1", new JsonObject { ["a"] = 1, ["b"] = "x" }, Ct));
        Assert.True(await storage.MergeSessionMetadataAsync("s1", new JsonObject { ["b"] = "y", ["c"] = RichMap() }, Ct));

        var head = (await storage.LoadSessionWindowAsync("s1", 0, Ct))!.Session;
        SameJson(new JsonObject { ["a"] = 1, ["b"] = "y", ["c"] = RichMap() }, head.Metadata);
        Assert.True(head.UpdatedAt > before);
    }

    [Fact]
    public async Task Merging_metadata_into_a_session_without_metadata_starts_from_an_empty_map()
    {
        var storage = await CreateAsync();
        await storage.UpsertSessionAsync(Session("s1"), Ct);

        Assert.True(await storage.MergeSessionMetadataAsync("s1", new JsonObject { ["a"] = "b" }, Ct));

        SameJson(new JsonObject { ["a"] = "b" }, (await storage.GetSessionAsync("s1", cancellationToken: Ct))!.Metadata);
    }

    [Fact]
    public async Task Merging_metadata_into_a_missing_session_returns_false_and_creates_nothing()
    {
        var storage = await CreateAsync();
        Assert.False(await storage.MergeSessionMetadataAsync("missing", new JsonObject { ["a"] = 1 }, Ct));
        Assert.Null(await storage.GetSessionAsync("missing", cancellationToken: Ct));
    }

    [Fact]
    public async Task A_profile_update_merges_and_uninformative_values_never_erase()
    {
        var storage = await CreateAsync();
        await storage.UpdateUserProfileAsync(Profile("u1", new JsonObject { ["name"] = "Ann", ["city"] = "Oslo", ["likes"] = new JsonArray("tea") }), Ct);

        var stored = await storage.UpdateUserProfileAsync(
            Profile("u1", new JsonObject { ["name"] = "", ["city"] = null, ["likes"] = new JsonArray(), ["job"] = "pilot", ["extra"] = new JsonObject() }), Ct);

        var expected = new JsonObject { ["name"] = "Ann", ["city"] = "Oslo", ["likes"] = new JsonArray("tea"), ["job"] = "pilot" };
        SameJson(expected, stored.Profile);
        SameJson(expected, (await storage.GetUserMemoryAsync("u1", cancellationToken: Ct))!.Profile);
        Assert.Equal("a1", stored.AgentId);
    }

    [Fact]
    public async Task A_profile_replace_keeps_only_the_new_informative_traits()
    {
        var storage = await CreateAsync();
        var first = await storage.UpdateUserProfileAsync(Profile("u1", new JsonObject { ["name"] = "Ann", ["city"] = "Oslo" }), Ct);
        NextMillisecond();

        var stored = await storage.UpdateUserProfileAsync(
            Profile("u1", new JsonObject { ["job"] = "pilot", ["city"] = null }) with { Mode = UserMemoryMode.Replace }, Ct);

        SameJson(new JsonObject { ["job"] = "pilot" }, stored.Profile);
        Assert.Equal(first.CreatedAt, stored.CreatedAt);
        Assert.True(stored.UpdatedAt > first.UpdatedAt);
    }

    [Fact]
    public async Task Forgetting_a_user_removes_their_sessions_runs_messages_and_profile_and_nothing_else()
    {
        var storage = await CreateAsync();
        await storage.AppendRunAsync(Append("s1", Turn("r1", "mine", "u1")), Ct);
        await storage.AppendRunAsync(Append("s2", Turn("r2", "mine too", "u1")), Ct);
        await storage.UpsertSessionAsync(Session("s3", "u1"), Ct);
        await storage.AppendRunAsync(Append("other", Turn("r3", "theirs", "u2")), Ct);
        await storage.UpdateUserProfileAsync(Profile("u1", new JsonObject { ["name"] = "Ann" }), Ct);
        await storage.UpdateUserProfileAsync(Profile("u2", new JsonObject { ["name"] = "Bob" }), Ct);

        Assert.Equal(3, await storage.DeleteUserDataAsync("u1", Ct));

        foreach (var id in new[] { "s1", "s2", "s3" })
        {
            Assert.Null(await storage.GetSessionAsync(id, cancellationToken: Ct));
            Assert.Null(await storage.LoadSessionWindowAsync(id, null, Ct));
        }

        Assert.Null(await storage.GetRunAsync("s1", "r1", Ct));
        Assert.Null(await storage.FindRunAsync("r2", cancellationToken: Ct));
        Assert.Null(await storage.GetUserMemoryAsync("u1", cancellationToken: Ct));
        Assert.Equal(0, (await storage.GetSessionsAsync(new() { UserId = "u1" }, Ct)).Total);
        Assert.Equal(["theirs", "answer to theirs"], (await storage.GetSessionAsync("other", cancellationToken: Ct))!.Messages.Select(m => m.Text));
        Assert.NotNull(await storage.FindRunAsync("r3", cancellationToken: Ct));
        Assert.NotNull(await storage.GetUserMemoryAsync("u2", cancellationToken: Ct));
        Assert.Equal(0, await storage.DeleteUserDataAsync("u1", Ct));
    }

    [Fact]
    public async Task A_session_written_through_the_record_api_can_then_be_appended_to_and_windowed()
    {
        var storage = await CreateAsync();
        var session = Session("s1", "u1", "a1");
        session.Messages = [User("q1"), Assistant("a1"), User("q2"), Assistant("a2")];
        session.Runs = [Run("old", messages: [User("q2"), Assistant("a2")])];
        await storage.UpsertSessionAsync(session, Ct);

        var result = await storage.AppendRunAsync(Append("s1", Turn("new", "q3")), Ct);
        var all = await storage.LoadSessionWindowAsync("s1", null, Ct);
        var last = await storage.LoadSessionWindowAsync("s1", 1, Ct);
        var read = await storage.GetSessionAsync("s1", cancellationToken: Ct);

        Assert.False(result.SessionCreated);
        Assert.True(result.Sequence > 2);
        Assert.Equal(["q1", "a1", "q2", "a2", "q3", "answer to q3"], all!.Turns.SelectMany(t => t.Messages).Select(m => m.Text));
        Assert.Equal(3, all.Turns.Count);
        Assert.Equal(["q3", "answer to q3"], last!.Turns.Single().Messages.Select(m => m.Text));
        Assert.Equal(["old", "new"], read!.Runs.Select(r => r.RunId));
        Assert.Equal(6, read.Messages.Count);
        Assert.Equal(("u1", "a1"), (read.UserId, read.AgentId));
    }

    private static ProfileUpdate Profile(string userId, JsonObject traits) => new() { UserId = userId, Traits = traits, AgentId = "a1" };
}
