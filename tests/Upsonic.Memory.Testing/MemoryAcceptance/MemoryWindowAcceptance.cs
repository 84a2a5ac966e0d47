using Microsoft.Extensions.AI;
using Upsonic.Storage;
using Upsonic.Storage.Backends;
using Xunit;
using static Upsonic.Storage.Testing.MemoryTurns;

namespace Upsonic.Storage.Testing;

/// <summary>
/// The history a memory gives a run, turn after turn: a token budget of whole turns, and the window a memory holds between turns,
/// which never misses what another writer, a rewrite or a deletion changed. Checked on the requests the agent model received.
/// </summary>
public abstract class MemoryWindowAcceptance<TTarget> : MemoryPrepareAcceptance<TTarget>
    where TTarget : StorageTarget, new()
{
    private static List<string> History(TurnResult turn) => turn.AgentRequest.Messages.SkipLast(1).Select(m => m.Text).ToList();

    private static long Tokens(params ChatMessage[] messages) => messages.Sum(m => (long)MessageTokens.Estimate(m));

    [Fact]
    public async Task A_history_token_budget_sends_the_model_only_the_newest_whole_turns_that_fit()
    {
        AgentModel.When(_ => true, "ok");
        for (var i = 1; i <= 4; i++)
        {
            await AppendAsync("s1", $"r{i}", true, User($"question {i}"), Assistant($"answer {i}"));
        }

        var budget = (int)Tokens(User("question 3"), Assistant("answer 3"), User("question 4"), Assistant("answer 4"));
        var memory = NewMemory(new() { SessionId = "s1", FullSessionMemory = true, HistoryTokenBudget = budget });

        var turn = await TurnAsync(memory, "question 5");

        Assert.Equal(["question 3", "answer 3", "question 4", "answer 4"], History(turn));
        Assert.Equal(budget, memory.HistoryTokenBudget);
    }

    [Fact]
    public async Task A_budget_smaller_than_a_tool_turn_leaves_the_whole_turn_out()
    {
        await AppendAsync("s1", "r1", true, User("hello"), Assistant("hi"));
        ChatMessage[] tool = [User("weather?"), ToolCall("c1", "get_weather"), ToolResult("c1", "sunny"), Assistant("It is sunny.")];
        await AppendAsync("s1", "r2", true, tool);
        var within = NewMemory(new() { SessionId = "s1", FullSessionMemory = true, FeedToolCallResults = true, HistoryTokenBudget = (int)Tokens(tool) });
        var below = NewMemory(new() { SessionId = "s1", FullSessionMemory = true, FeedToolCallResults = true, HistoryTokenBudget = (int)Tokens(tool) - 1 });

        Assert.Equal(4, (await within.PrepareAsync(ct: Ct)).MessageHistory.Count);
        Assert.Empty((await below.PrepareAsync(ct: Ct)).MessageHistory);
    }

    [Fact]
    public async Task Each_turn_of_a_memory_sends_exactly_the_last_turns_while_it_reads_only_what_is_new()
    {
        var memory = NewMemory(new() { SessionId = "s1", FullSessionMemory = true, NumLastMessages = 2 });
        var sent = new List<List<string>>();
        for (var i = 1; i <= 4; i++)
        {
            sent.Add(History(await TurnAsync(memory, $"q{i}")));
        }

        Assert.Equal(
            [[], ["q1", "ok"], ["q1", "ok", "q2", "ok"], ["q2", "ok", "q3", "ok"]],
            sent);
    }

    [Fact]
    public async Task After_its_first_turn_a_memory_asks_storage_only_for_the_messages_saved_since()
    {
        var storage = WindowReadRecorder.Wrap(Storage, out var recorder);
        var memory = new Memory(storage, new MemoryOptions { SessionId = "s1", FullSessionMemory = true, NumLastMessages = 3 }, null, Logs);
        for (var i = 1; i <= 5; i++)
        {
            await MemoryTurns.RunAsync(memory, AgentModel, $"q{i}");
        }

        var reads = recorder.Reads;
        Assert.Equal(5, reads.Count);
        Assert.Null(reads[0].Request.Since);
        Assert.Null(reads[1].Request.Since);
        if (!Target.ServesIncrementalWindows)
        {
            Assert.All(reads, r => Assert.False(r.Window?.IsIncremental ?? false));
            return;
        }

        Assert.All(reads.Skip(2), r =>
        {
            Assert.NotNull(r.Request.Since);
            Assert.True(r.Window!.IsIncremental);
            Assert.Equal(2, Assert.Single(r.Window.Turns).Messages.Count);
        });
    }

    [Fact]
    public async Task A_memory_that_served_a_turn_sees_the_turns_another_writer_saved_since()
    {
        var memory = NewMemory(new() { SessionId = "s1", FullSessionMemory = true, NumLastMessages = 10 });
        await TurnAsync(memory, "mine 1");
        var other = new Memory(await OpenAnotherAsync(Storage), new MemoryOptions { SessionId = "s1", FullSessionMemory = true });
        await MemoryTurns.RunAsync(other, AgentModel, "theirs 1");

        var turn = await TurnAsync(memory, "mine 2");

        Assert.Equal(["mine 1", "ok", "theirs 1", "ok"], History(turn));
    }

    [Fact]
    public async Task A_memory_that_served_a_turn_sees_a_record_api_rewrite_and_a_deletion()
    {
        var memory = NewMemory(new() { SessionId = "s1", FullSessionMemory = true });
        await TurnAsync(memory, "before");
        var session = await Storage.GetSessionAsync("s1", cancellationToken: Ct);
        session!.Messages = [User("rewritten"), Assistant("yes")];
        session.Runs = [];
        await Storage.UpsertSessionAsync(session, Ct);

        var afterRewrite = History(await TurnAsync(memory, "after rewrite"));
        await Storage.DeleteSessionAsync("s1", Ct);
        var afterDelete = (await memory.PrepareAsync(ct: Ct)).MessageHistory;

        Assert.Equal(["rewritten", "yes"], afterRewrite);
        Assert.Empty(afterDelete);
    }

    [Fact]
    public async Task A_paused_run_completed_after_later_turns_joins_the_history_in_its_own_place()
    {
        var memory = NewMemory(new() { SessionId = "s1", FullSessionMemory = true, NumLastMessages = 10 });
        await memory.SaveRunAsync(new AgentRun { RunId = "p1", Status = RunStatus.Paused, Input = "delete it", Messages = [User("delete it")] }, Ct);
        await TurnAsync(memory, "later");
        await memory.SaveRunAsync(new AgentRun { RunId = "p1", Status = RunStatus.Completed, Input = "delete it", Messages = [User("delete it"), Assistant("deleted")] }, Ct);

        var history = (await memory.PrepareAsync(ct: Ct)).MessageHistory;

        Assert.Equal(["delete it", "deleted", "later", "ok"], history.Select(m => m.Text));
    }

    [Fact]
    public async Task A_paused_run_completed_after_the_window_moved_past_it_stays_out_of_a_short_window()
    {
        var memory = NewMemory(new() { SessionId = "s1", FullSessionMemory = true, NumLastMessages = 2 });
        await memory.SaveRunAsync(new AgentRun { RunId = "p1", Status = RunStatus.Paused, Input = "old", Messages = [User("old")] }, Ct);
        await TurnAsync(memory, "t2");
        await TurnAsync(memory, "t3");
        await memory.PrepareAsync(ct: Ct);
        await memory.SaveRunAsync(new AgentRun { RunId = "p1", Status = RunStatus.Completed, Input = "old", Messages = [User("old"), Assistant("done")] }, Ct);

        var history = (await memory.PrepareAsync(ct: Ct)).MessageHistory;

        Assert.Equal(["t2", "ok", "t3", "ok"], history.Select(m => m.Text));
    }

    [Fact]
    public async Task Changing_a_served_history_message_never_changes_the_next_prepare()
    {
        var memory = NewMemory(new() { SessionId = "s1", FullSessionMemory = true });
        await TurnAsync(memory, "original");
        var first = (await memory.PrepareAsync(ct: Ct)).MessageHistory;
        ((TextContent)first[0].Contents[0]).Text = "changed by the caller";
        first[1].Contents.Clear();

        var second = (await memory.PrepareAsync(ct: Ct)).MessageHistory;

        Assert.Equal(["original", "ok"], second.Select(m => m.Text));
    }

    [Fact]
    public async Task Concurrent_prepares_and_saves_of_one_memory_never_lose_or_mix_up_turns()
    {
        // Eight writers of one session: the engine must serialize them (on MongoDB, an atomic findAndModify of the head).
        Target.RequireEngineFeature(EngineFeature.AtomicConcurrentUpdates);
        var memory = NewMemory(new() { SessionId = "s1", FullSessionMemory = true });
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 5; i++)
            {
                await memory.PrepareAsync(ct: Ct);
                await memory.SaveRunAsync(new AgentRun { RunId = $"w{w}-{i}", Input = $"w{w}-{i}", Messages = [User($"w{w}-{i}"), Assistant($"a{w}-{i}")] }, Ct);
            }
        })));

        var held = (await memory.PrepareAsync(ct: Ct)).MessageHistory.Select(m => m.Text).ToList();
        var fresh = (await NewMemory(new() { SessionId = "s1", FullSessionMemory = true }).PrepareAsync(ct: Ct)).MessageHistory.Select(m => m.Text).ToList();

        Assert.Equal(80, held.Count);
        Assert.Equal(fresh, held);
    }

    [Fact]
    public void A_history_token_budget_that_is_not_positive_is_rejected_naming_it()
    {
        Assert.Equal("historyTokenBudget", Assert.Throws<ArgumentOutOfRangeException>(() => new Memory(Storage, historyTokenBudget: 0)).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentOutOfRangeException>(() => new Memory(Storage, new MemoryOptions { HistoryTokenBudget = -5 })).ParamName);
        Assert.Equal(100, new Memory(Storage, historyTokenBudget: 100).HistoryTokenBudget);
    }
}
