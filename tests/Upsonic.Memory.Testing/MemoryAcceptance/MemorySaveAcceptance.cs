using Microsoft.Extensions.AI;
using Upsonic.Storage;
using Xunit;
using static Upsonic.Storage.Testing.MemoryTurns;

namespace Upsonic.Storage.Testing;

/// <summary>SaveRunAsync: save flags, HITL checkpoints, what is stored (UPSTREAM 2.6, test_memory.py, test_storage_full_memory.py).</summary>
public abstract class MemorySaveAcceptance<TTarget> : MemoryWindowAcceptance<TTarget>
    where TTarget : StorageTarget, new()
{
    [Fact]
    public async Task With_all_save_flags_off_a_completed_run_creates_no_session()
    {
        var memory = NewMemory(new());
        await TurnAsync(memory, "hello");
        Assert.Null(await memory.GetSessionAsync(Ct));
    }

    [Fact]
    public async Task Full_session_memory_stores_the_runs_two_messages()
    {
        var memory = NewMemory(new() { FullSessionMemory = true });
        await TurnAsync(memory, "hello");
        var session = await memory.GetSessionAsync(Ct);
        Assert.Equal(["hello", "ok"], session!.Messages.Select(m => m.Text));
        var run = Assert.Single(session.Runs);
        Assert.Equal(2, run.Messages.Count);
        Assert.Equal(RunStatus.Completed, run.Status);
    }

    [Fact]
    public async Task A_second_turn_appends_only_its_own_messages()
    {
        var memory = NewMemory(new() { FullSessionMemory = true });
        var first = await TurnAsync(memory, "one");
        var second = await TurnAsync(memory, "two");
        Assert.Equal(2, second.AgentRequest.Messages.Count - 1);
        var session = await memory.GetSessionAsync(Ct);
        Assert.Equal(["one", "ok", "two", "ok"], session!.Messages.Select(m => m.Text));
        Assert.All(session.Runs, r => Assert.Equal(2, r.Messages.Count));
        Assert.Equal(first.Run.RunId, session.Runs[0].RunId);
    }

    [Fact]
    public async Task A_run_with_no_messages_leaves_the_message_count_unchanged()
    {
        var memory = NewMemory(new() { FullSessionMemory = true });
        await TurnAsync(memory, "hello");
        await memory.SaveRunAsync(new AgentRun { Input = "nothing" }, Ct);
        var session = await memory.GetSessionAsync(Ct);
        Assert.Equal(2, session!.Messages.Count);
        Assert.Equal(2, session.Runs.Count);
    }

    [Fact]
    public async Task Saved_but_not_loaded_history_is_stored_and_not_injected()
    {
        var memory = NewMemory(new() { FullSessionMemory = true, LoadFullSessionMemory = false });
        await TurnAsync(memory, "hello");
        Assert.True((await memory.GetMessagesAsync(Ct)).Count >= 2);
        Assert.Empty((await memory.PrepareAsync(ct: Ct)).MessageHistory);
    }

    [Fact]
    public async Task Summary_only_stores_the_run_without_history_messages()
    {
        MemoryModel.Summaries(_ => "The user greeted the assistant.");
        var memory = NewMemory(new() { SummaryMemory = true });
        await TurnAsync(memory, "hello");
        var session = await memory.GetSessionAsync(Ct);
        Assert.Empty(session!.Messages);
        Assert.Equal(2, Assert.Single(session.Runs).Messages.Count);
    }

    [Theory]
    [InlineData(RunStatus.Paused)]
    [InlineData(RunStatus.Error)]
    [InlineData(RunStatus.Cancelled)]
    [InlineData(RunStatus.Running)]
    public async Task An_incomplete_run_is_always_checkpointed_whatever_the_flags(RunStatus status)
    {
        var memory = NewMemory(new());
        await memory.SaveRunAsync(new AgentRun { RunId = "r1", Status = status, Input = "do it", Messages = [User("do it")] }, Ct);
        var run = await Storage.GetRunAsync(memory.SessionId, "r1", Ct);
        Assert.Equal(status, run!.Status);
        Assert.Equal("do it", Assert.Single(run.Messages).Text);
        Assert.Equal(0, MemoryModel.CallCount);
    }

    [Fact]
    public async Task A_paused_run_completed_later_with_flags_off_updates_only_its_record()
    {
        var memory = NewMemory(new());
        var messages = new List<ChatMessage> { User("book it"), ToolCall("c1", "book") };
        await memory.SaveRunAsync(new AgentRun { RunId = "r1", Status = RunStatus.Paused, Input = "book it", Messages = messages }, Ct);
        messages.Add(ToolResult("c1", "booked"));
        messages.Add(Assistant("Done."));
        await memory.SaveRunAsync(new AgentRun { RunId = "r1", Status = RunStatus.Completed, Input = "book it", Messages = messages, Output = "Done." }, Ct);
        var run = await Storage.GetRunAsync(memory.SessionId, "r1", Ct);
        Assert.Equal(RunStatus.Completed, run!.Status);
        Assert.Equal(4, run.Messages.Count);
        Assert.Equal("Done.", run.Output);
    }

    [Fact]
    public async Task Session_data_user_prompts_holds_the_raw_inputs_once_per_run()
    {
        var memory = NewMemory(new() { FullSessionMemory = true });
        var messages = new List<ChatMessage> { User("book it"), ToolCall("c1", "book") };
        await memory.SaveRunAsync(new AgentRun { RunId = "r1", Status = RunStatus.Paused, Input = "book it", Messages = messages }, Ct);
        messages.Add(ToolResult("c1", "booked"));
        messages.Add(Assistant("Done."));
        await memory.SaveRunAsync(new AgentRun { RunId = "r1", Input = "book it", Messages = messages, Output = "Done." }, Ct);
        await TurnAsync(memory, "thanks");

        var session = await memory.GetSessionAsync(Ct);
        var listed = Assert.Single(await memory.ListSessionsAsync(ct: Ct));

        Assert.Equal(["book it", "thanks"], session!.SessionData!["user_prompts"]!.AsArray().Select(p => (string?)p));
        Assert.Equal(["book it", "thanks"], listed.SessionData!["user_prompts"]!.AsArray().Select(p => (string?)p));
    }

    [Fact]
    public async Task Session_data_user_prompts_keeps_only_the_most_recent_inputs()
    {
        var memory = NewMemory(new() { FullSessionMemory = true });
        for (var i = 0; i < Memory.MaxSessionUserPrompts + 3; i++)
        {
            await memory.SaveRunAsync(new AgentRun { Input = $"prompt {i}", Messages = [User($"prompt {i}")] }, Ct);
        }

        var prompts = (await memory.GetSessionAsync(Ct))!.SessionData!["user_prompts"]!.AsArray();

        Assert.Equal(Memory.MaxSessionUserPrompts, prompts.Count);
        Assert.Equal("prompt 3", (string?)prompts[0]);
        Assert.Equal($"prompt {Memory.MaxSessionUserPrompts + 2}", (string?)prompts[^1]);
    }

    [Fact]
    public async Task Usage_of_a_run_is_counted_once_over_pause_and_completion()
    {
        var memory = NewMemory(new() { FullSessionMemory = true });
        var messages = new List<ChatMessage> { User("go") };
        await memory.SaveRunAsync(new AgentRun { RunId = "r1", Status = RunStatus.Paused, Messages = messages, Usage = new UsageDetails { InputTokenCount = 10, TotalTokenCount = 10 } }, Ct);
        messages.Add(Assistant("done"));
        await memory.SaveRunAsync(new AgentRun { RunId = "r1", Status = RunStatus.Completed, Messages = messages, Usage = new UsageDetails { InputTokenCount = 15, TotalTokenCount = 15 } }, Ct);
        var session = await memory.GetSessionAsync(Ct);
        Assert.Equal(15, session!.Usage!.InputTokenCount);
        Assert.Equal(15, session.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task Injected_context_is_never_stored_with_the_user_message()
    {
        MemoryModel.Summaries(_ => "The user likes tea.");
        var memory = NewMemory(new() { FullSessionMemory = true, SummaryMemory = true });
        await TurnAsync(memory, "first");
        await memory.SetMetadataAsync(new Dictionary<string, object?> { ["topic"] = "drinks" }, Ct);
        var second = await TurnAsync(memory, "second");
        Assert.Contains("<SessionSummary>", second.AgentRequest.Instructions, StringComparison.Ordinal);
        var session = await memory.GetSessionAsync(Ct);
        Assert.All(session!.Messages, m => Assert.DoesNotContain("<Session", m.Text, StringComparison.Ordinal));
        Assert.Equal("second", session.Messages[2].Text);
        Assert.Equal("second", session.Runs[1].Input);
    }

    [Fact]
    public async Task The_run_record_gets_the_memorys_user_and_the_agent_name()
    {
        var memory = NewMemory(new() { FullSessionMemory = true, UserId = "u1" });
        var turn = await TurnAsync(memory, "hello");
        var session = await memory.GetSessionAsync(Ct);
        Assert.Equal("u1", session!.UserId);
        Assert.Equal("u1", session.Runs[0].UserId);
        Assert.Equal("Scripted Agent", session.AgentData!["agent_name"]!.GetValue<string>());
        Assert.Equal(turn.Run.RunId, session.Runs[0].RunId);
    }

    [Fact]
    public async Task Three_runs_give_three_run_records_and_a_growing_message_count()
    {
        var memory = NewMemory(new() { FullSessionMemory = true });
        var counts = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            await TurnAsync(memory, "turn " + i);
            counts.Add((await memory.GetMessagesAsync(Ct)).Count);
        }

        Assert.Equal(3, (await memory.GetSessionAsync(Ct))!.Runs.Count);
        Assert.Equal([2, 4, 6], counts);
    }

    [Fact]
    public async Task A_limit_of_two_after_five_runs_loads_at_most_four_messages_while_storage_keeps_ten()
    {
        var memory = NewMemory(new() { FullSessionMemory = true, NumLastMessages = 2 });
        for (var i = 0; i < 5; i++)
        {
            await TurnAsync(memory, "turn " + i);
        }

        Assert.Equal(10, (await memory.GetMessagesAsync(Ct)).Count);
        var history = (await memory.PrepareAsync(ct: Ct)).MessageHistory;
        Assert.Equal(["turn 3", "ok", "turn 4", "ok"], history.Select(m => m.Text));
    }

    [Fact]
    public async Task Tool_calls_are_loaded_only_when_feeding_tool_results()
    {
        var memory = NewMemory(new() { SessionId = "s1", FullSessionMemory = true });
        await memory.SaveRunAsync(new AgentRun { Input = "weather?", Messages = [User("weather?"), ToolCall("c1", "get_weather"), ToolResult("c1", "sunny"), Assistant("Sunny.")] }, Ct);
        var without = (await memory.PrepareAsync(ct: Ct)).MessageHistory;
        Assert.DoesNotContain(without.SelectMany(m => m.Contents), c => c is FunctionCallContent or FunctionResultContent);
        var feeding = NewMemory(new() { SessionId = "s1", FullSessionMemory = true, FeedToolCallResults = true });
        var with = (await feeding.PrepareAsync(ct: Ct)).MessageHistory;
        Assert.Contains(with.SelectMany(m => m.Contents), c => c is FunctionCallContent);
        Assert.Contains(with.SelectMany(m => m.Contents), c => c is FunctionResultContent);
    }

    [Fact]
    public async Task A_new_memory_on_the_same_session_recalls_the_earlier_turn()
    {
        var first = NewMemory(new() { SessionId = "shared", FullSessionMemory = true });
        await TurnAsync(first, "My name is Alex.");
        var second = NewMemory(new() { SessionId = "shared", FullSessionMemory = true });
        var turn = await TurnAsync(second, "What is my name?");
        Assert.Contains(turn.AgentRequest.Messages, m => m.Text.Contains("Alex", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Streaming_and_direct_turns_mix_on_one_session()
    {
        var memory = NewMemory(new() { FullSessionMemory = true });
        AgentModel.EnqueueText("Nice to meet you, Alex.");
        await TurnAsync(memory, "My name is Alex.");
        var context = await memory.PrepareAsync(ct: Ct);
        var user = User("Who am I?");
        var response = await AgentModel.GetStreamingResponseAsync([.. context.MessageHistory, user], cancellationToken: Ct).ToChatResponseAsync(Ct);
        await memory.SaveRunAsync(new AgentRun { Input = "Who am I?", Messages = [user, .. response.Messages] }, Ct);
        Assert.True(AgentModel.Requests[^1].Streaming);
        Assert.Contains(AgentModel.Requests[^1].Messages, m => m.Text.Contains("Alex", StringComparison.Ordinal));
        await TurnAsync(memory, "third");
        await TurnAsync(memory, "fourth");
        Assert.Equal(8, (await memory.GetMessagesAsync(Ct)).Count);
    }

    [Fact]
    public async Task A_run_without_an_id_or_with_a_null_message_is_rejected_naming_the_parameter()
    {
        var memory = NewMemory(new() { FullSessionMemory = true });
        await Assert.ThrowsAsync<ArgumentNullException>(() => memory.SaveRunAsync(null!, Ct));
        var noId = await Assert.ThrowsAsync<ArgumentException>(() => memory.SaveRunAsync(new AgentRun { RunId = " " }, Ct));
        Assert.Equal("run", noId.ParamName);
        var nullMessage = await Assert.ThrowsAsync<ArgumentException>(() => memory.SaveRunAsync(new AgentRun { Messages = [null!] }, Ct));
        Assert.Equal("run", nullMessage.ParamName);
        Assert.Null(await memory.GetSessionAsync(Ct));
    }
}
