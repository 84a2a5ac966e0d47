using Microsoft.Extensions.AI;
using Upsonic.Storage;
using Upsonic.Storage.Backends;
using Xunit;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Storage.Testing;

/// <summary>
/// Window reads by request: token budgets over the counts stored at write time (whole turns, newest first), and incremental reads
/// against a mark, checked against the head so another writer, a rewrite or a deleted session is never missed.
/// </summary>
/// <typeparam name="TTarget">The backend's target.</typeparam>
public abstract class HistoryWindowContract<TTarget> : HotPathContract<TTarget>
    where TTarget : StorageTarget, new()
{
    private static SessionWindowRequest Request(string sessionId, int? turns = null, int? budget = null, SessionWindowMark? since = null) =>
        new() { SessionId = sessionId, HistoryTurns = turns, HistoryTokenBudget = budget, Since = since };

    private static long Tokens(RunRecord run) => run.Messages.Sum(m => (long)MessageTokens.Estimate(m));

    private static List<string> Texts(SessionWindow window) => window.Turns.SelectMany(t => t.Messages).Select(m => m.Text).ToList();

    private static RunRecord ToolTurn(string runId) => Run(runId, RunStatus.Completed, null, null, null,
        User("weather?"),
        new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c-" + runId, "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" })]),
        new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c-" + runId, "sunny and warm all day long")]),
        Assistant("It is sunny."));

    [Fact]
    public async Task Each_turn_carries_the_token_count_stored_with_its_messages()
    {
        var storage = await CreateAsync();
        var runs = new[] { Turn("r1", "short"), Turn("r2", new string('x', 400)) };
        foreach (var run in runs)
        {
            await storage.AppendRunAsync(Append("s1", run), Ct);
        }

        var window = await storage.LoadSessionWindowAsync(Request("s1", budget: int.MaxValue), Ct);

        Assert.Equal(runs.Select(Tokens), window!.Turns.Select(t => t.TokenCount));
        Assert.True(window.Turns[1].TokenCount > 100);
    }

    [Fact]
    public async Task A_token_budget_keeps_the_most_recent_whole_turns_that_fit()
    {
        var storage = await CreateAsync();
        var runs = Enumerable.Range(1, 5).Select(i => Turn($"r{i}", $"question {i} " + new string('q', i * 30))).ToList();
        foreach (var run in runs)
        {
            await storage.AppendRunAsync(Append("s1", run), Ct);
        }

        var fits = Tokens(runs[3]) + Tokens(runs[4]);
        var exact = await storage.LoadSessionWindowAsync(Request("s1", budget: (int)fits), Ct);
        var short1 = await storage.LoadSessionWindowAsync(Request("s1", budget: (int)fits - 1), Ct);

        Assert.Equal([4L, 5L], exact!.Turns.Select(t => t.Turn));
        Assert.Equal([5L], short1!.Turns.Select(t => t.Turn));
        Assert.All(exact.Turns, t => Assert.Equal(2, t.Messages.Count));
    }

    [Fact]
    public async Task A_budget_never_splits_a_tool_turn_and_never_skips_to_an_older_turn_that_fits()
    {
        var storage = await CreateAsync();
        await storage.AppendRunAsync(Append("s1", Turn("r1", "hi")), Ct);
        var tool = ToolTurn("r2");
        await storage.AppendRunAsync(Append("s1", tool), Ct);

        var whole = await storage.LoadSessionWindowAsync(Request("s1", budget: (int)Tokens(tool)), Ct);
        var less = await storage.LoadSessionWindowAsync(Request("s1", budget: (int)Tokens(tool) - 1), Ct);

        var turn = Assert.Single(whole!.Turns);
        Assert.Equal(4, turn.Messages.Count);
        Assert.Contains(turn.Messages, m => m.Contents.OfType<FunctionCallContent>().Any());
        Assert.Contains(turn.Messages, m => m.Contents.OfType<FunctionResultContent>().Any());
        Assert.Empty(less!.Turns);
        Assert.Equal("s1", less.Session.SessionId);
    }

    [Fact]
    public async Task Count_and_budget_both_limit_the_window()
    {
        var storage = await CreateAsync();
        await AppendTurnsAsync(storage, "s1", 6, ct: Ct);

        var byCount = await storage.LoadSessionWindowAsync(Request("s1", turns: 2, budget: int.MaxValue), Ct);
        var byBudget = await storage.LoadSessionWindowAsync(Request("s1", turns: 5, budget: (int)byCount!.Turns.Sum(t => t.TokenCount)), Ct);
        var none = await storage.LoadSessionWindowAsync(Request("s1", turns: 5, budget: 0), Ct);

        Assert.Equal([5L, 6L], byCount.Turns.Select(t => t.Turn));
        Assert.Equal([5L, 6L], byBudget!.Turns.Select(t => t.Turn));
        Assert.Empty(none!.Turns);
    }

    [Fact]
    public async Task A_request_without_limits_reads_the_same_window_as_the_turn_count_overload()
    {
        var storage = await CreateAsync();
        await AppendTurnsAsync(storage, "s1", 4, ct: Ct);

        var byRequest = await storage.LoadSessionWindowAsync(Request("s1", turns: 3), Ct);
        var byCount = await storage.LoadSessionWindowAsync("s1", 3, Ct);

        Assert.Equal(Texts(byCount!), Texts(byRequest!));
        Assert.False(byRequest!.IsIncremental);
        Assert.Null(await storage.LoadSessionWindowAsync(Request("missing"), Ct));
    }

    [Fact]
    public async Task A_read_since_a_mark_returns_only_the_newer_turns()
    {
        var storage = await CreateAsync();
        await AppendTurnsAsync(storage, "s1", 3, ct: Ct);
        var first = await storage.LoadSessionWindowAsync(Request("s1", turns: 10), Ct);
        await storage.AppendRunAsync(Append("s1", Turn("r4", "q4")), Ct);

        var next = await storage.LoadSessionWindowAsync(Request("s1", turns: 10, since: first!.Mark), Ct);

        if (!Target.ServesIncrementalWindows)
        {
            Assert.False(next!.IsIncremental);
            Assert.Equal(4, next.Turns.Count);
            return;
        }

        Assert.NotNull(first.Mark);
        Assert.True(next!.IsIncremental);
        Assert.Equal(["q4", "answer to q4"], Texts(next));
        Assert.Equal(4L, next.Turns.Single().Turn);
        Assert.True(next.Mark!.MessageSequence > first.Mark!.MessageSequence);
        Assert.Equal(first.Mark.Epoch, next.Mark.Epoch);
    }

    [Fact]
    public async Task A_read_since_a_mark_keeps_only_the_newest_of_the_new_turns_within_the_count_and_the_budget()
    {
        var storage = await CreateAsync();
        await AppendTurnsAsync(storage, "s1", 1, ct: Ct);
        var first = await storage.LoadSessionWindowAsync(Request("s1", turns: 2), Ct);
        var runs = Enumerable.Range(2, 3).Select(i => Turn($"r{i}", $"q{i} " + new string('q', i * 40))).ToList();
        foreach (var run in runs)
        {
            await storage.AppendRunAsync(Append("s1", run), Ct);
        }

        var byCount = await storage.LoadSessionWindowAsync(Request("s1", turns: 2, since: first!.Mark), Ct);
        var byBudget = await storage.LoadSessionWindowAsync(Request("s1", turns: 2, budget: (int)Tokens(runs[2]), since: first.Mark), Ct);

        // Incremental or not, the new turns are limited like a full window.
        Assert.Equal([3L, 4L], byCount!.Turns.Select(t => t.Turn));
        Assert.Equal([4L], byBudget!.Turns.Select(t => t.Turn));
        Assert.Equal(Target.ServesIncrementalWindows, byCount.IsIncremental);
    }

    [Fact]
    public async Task A_read_since_a_mark_sees_the_turns_another_storage_instance_appended()
    {
        var storage = await CreateAsync();
        await AppendTurnsAsync(storage, "s1", 2, ct: Ct);
        var first = await storage.LoadSessionWindowAsync(Request("s1", turns: 10), Ct);
        var other = await OpenAnotherAsync(storage);
        await other.AppendRunAsync(Append("s1", Turn("o1", "from another writer")), Ct);
        await other.AppendRunAsync(Append("s1", Turn("o2", "and again")), Ct);

        var next = await storage.LoadSessionWindowAsync(Request("s1", turns: 10, since: first!.Mark), Ct);

        var expected = next!.IsIncremental
            ? new[] { "from another writer", "answer to from another writer", "and again", "answer to and again" }
            : ["q1", "answer to q1", "q2", "answer to q2", "from another writer", "answer to from another writer", "and again", "answer to and again"];
        Assert.Equal(Target.ServesIncrementalWindows, next.IsIncremental);
        Assert.Equal(expected, Texts(next));
    }

    [Fact]
    public async Task A_mark_from_before_a_record_api_rewrite_gets_the_full_rewritten_window()
    {
        var storage = await CreateAsync();
        await AppendTurnsAsync(storage, "s1", 2, ct: Ct);
        var first = await storage.LoadSessionWindowAsync(Request("s1", turns: 10), Ct);
        var session = await storage.GetSessionAsync("s1", cancellationToken: Ct);
        session!.Messages = [User("rewritten 1"), Assistant("a1"), User("rewritten 2"), Assistant("a2"), User("rewritten 3"), Assistant("a3")];
        session.Runs = [];
        await storage.UpsertSessionAsync(session, Ct);

        var next = await storage.LoadSessionWindowAsync(Request("s1", turns: 10, since: first!.Mark), Ct);

        Assert.False(next!.IsIncremental);
        Assert.Equal(["rewritten 1", "a1", "rewritten 2", "a2", "rewritten 3", "a3"], Texts(next));
    }

    [Fact]
    public async Task A_mark_from_before_the_session_was_deleted_and_created_again_gets_the_new_full_window()
    {
        var storage = await CreateAsync();
        await AppendTurnsAsync(storage, "s1", 2, ct: Ct);
        var first = await storage.LoadSessionWindowAsync(Request("s1", turns: 10), Ct);
        Assert.True(await storage.DeleteSessionAsync("s1", Ct));
        Assert.Null(await storage.LoadSessionWindowAsync(Request("s1", turns: 10, since: first!.Mark), Ct));
        await storage.AppendRunAsync(Append("s1", Turn("n1", "new 1")), Ct);
        await storage.AppendRunAsync(Append("s1", Turn("n2", "new 2")), Ct);
        await storage.AppendRunAsync(Append("s1", Turn("n3", "new 3")), Ct);

        var next = await storage.LoadSessionWindowAsync(Request("s1", turns: 10, since: first.Mark), Ct);

        Assert.False(next!.IsIncremental);
        Assert.Equal(["new 1", "answer to new 1", "new 2", "answer to new 2", "new 3", "answer to new 3"], Texts(next));
    }

    [Fact]
    public async Task A_read_since_a_mark_includes_messages_a_paused_run_added_to_its_older_turn()
    {
        var storage = await CreateAsync();
        await storage.AppendRunAsync(Append("s1", Run("p1", RunStatus.Paused, messages: [User("delete it")])), Ct);
        await storage.AppendRunAsync(Append("s1", Turn("r2", "next")), Ct);
        var first = await storage.LoadSessionWindowAsync(Request("s1", turns: 10), Ct);
        await storage.AppendRunAsync(Append("s1", Run("p1", RunStatus.Completed, messages: [User("delete it"), Assistant("deleted")])), Ct);

        var next = await storage.LoadSessionWindowAsync(Request("s1", turns: 10, since: first!.Mark), Ct);

        if (next!.IsIncremental)
        {
            var turn = Assert.Single(next.Turns);
            Assert.Equal(1L, turn.Turn);
            Assert.Equal(["deleted"], turn.Messages.Select(m => m.Text));
        }
        else
        {
            Assert.Equal(["delete it", "deleted", "next", "answer to next"], Texts(next));
        }

        Assert.Equal(Target.ServesIncrementalWindows, next.IsIncremental);
    }

    [Fact]
    public async Task A_mark_ahead_of_the_session_gets_the_full_window()
    {
        var storage = await CreateAsync();
        await AppendTurnsAsync(storage, "s1", 2, ct: Ct);
        var first = await storage.LoadSessionWindowAsync(Request("s1"), Ct);
        var ahead = first!.Mark is { } mark ? mark with { MessageSequence = mark.MessageSequence + 10 } : new SessionWindowMark(1, 100);

        var next = await storage.LoadSessionWindowAsync(Request("s1", since: ahead), Ct);

        Assert.False(next!.IsIncremental);
        Assert.Equal(4, Texts(next).Count);
    }

    [Fact]
    public async Task Window_requests_with_negative_limits_or_a_bad_session_id_are_rejected_before_any_io()
    {
        var storage = await CreateAsync();

        await Assert.ThrowsAsync<ArgumentNullException>(() => storage.LoadSessionWindowAsync((SessionWindowRequest)null!, Ct));
        Assert.Equal("request", (await Assert.ThrowsAnyAsync<ArgumentException>(() => storage.LoadSessionWindowAsync(Request("s1", turns: -1), Ct))).ParamName);
        Assert.Equal("request", (await Assert.ThrowsAnyAsync<ArgumentException>(() => storage.LoadSessionWindowAsync(Request("s1", budget: -1), Ct))).ParamName);
        Assert.Equal("request", (await Assert.ThrowsAnyAsync<ArgumentException>(() => storage.LoadSessionWindowAsync(Request("s1", since: new SessionWindowMark(1, -1)), Ct))).ParamName);
        Assert.Equal("request", (await Assert.ThrowsAnyAsync<ArgumentException>(() => storage.LoadSessionWindowAsync(Request(" "), Ct))).ParamName);
    }
}
