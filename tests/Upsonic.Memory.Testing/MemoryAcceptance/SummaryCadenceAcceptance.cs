using Microsoft.Extensions.AI;
using Upsonic.Storage;
using Xunit;
using static Upsonic.Storage.Testing.MemoryTurns;

namespace Upsonic.Storage.Testing;

// Summary cadence (MemoryOptions.SummaryEveryTurns / SummaryTokenThreshold) and the rule that no completed turn is left out.
public abstract partial class SummaryMemoryAcceptance<TTarget>
{
    [Fact]
    public async Task A_paused_run_that_completes_after_later_turns_were_summarized_is_summarized_when_it_completes()
    {
        var n = 0;
        MemoryModel.Summaries(_ => "Summary number " + ++n + ".");
        var memory = NewMemory(new() { FullSessionMemory = true, SummaryMemory = true });
        var messages = new List<ChatMessage> { User("book the flight to Oslo"), ToolCall("c1", "book") };
        await memory.SaveRunAsync(new AgentRun { RunId = "paused", Status = RunStatus.Paused, Input = "book the flight to Oslo", Messages = messages }, Ct);
        await TurnAsync(memory, "what is the weather like");
        Assert.Equal(2, (await memory.GetSessionAsync(Ct))!.SummaryWatermark);

        messages.Add(ToolResult("c1", "booked"));
        messages.Add(Assistant("The flight to Oslo is booked."));
        await memory.SaveRunAsync(new AgentRun { RunId = "paused", Input = "book the flight to Oslo", Messages = messages, Output = "The flight to Oslo is booked." }, Ct);

        Assert.Equal(2, MemoryModel.CallCount);
        var late = MemoryModel.Requests[1];
        Assert.Contains("Summary number 1.", late.PromptText, StringComparison.Ordinal);
        Assert.Contains("The flight to Oslo is booked.", late.PromptText, StringComparison.Ordinal);
        Assert.DoesNotContain("what is the weather like", late.PromptText, StringComparison.Ordinal);
        var session = await memory.GetSessionAsync(Ct);
        Assert.Equal(("Summary number 2.", 2L), (session!.Summary, session.SummaryWatermark));
    }

    [Fact]
    public async Task Saving_a_summarized_run_again_does_not_summarize_it_again()
    {
        MemoryModel.Summaries(_ => "The user said hello.");
        var memory = NewMemory(new() { SummaryMemory = true });
        var run = new AgentRun { RunId = "r1", Input = "hello", Messages = [User("hello"), Assistant("hi")], Output = "hi" };
        await memory.SaveRunAsync(run, Ct);
        await memory.SaveRunAsync(run, Ct);
        Assert.Equal(1, MemoryModel.CallCount);
    }

    [Fact]
    public async Task With_a_cadence_of_three_turns_one_summary_call_covers_the_three_waiting_turns()
    {
        var n = 0;
        MemoryModel.Summaries(_ => "Summary number " + ++n + ".");
        var memory = NewMemory(new() { FullSessionMemory = true, SummaryMemory = true, SummaryEveryTurns = 3 });
        await TurnAsync(memory, "turn one");
        await TurnAsync(memory, "turn two");
        Assert.Equal(0, MemoryModel.CallCount);
        Assert.Null((await memory.GetSessionAsync(Ct))!.Summary);

        await TurnAsync(memory, "turn three");
        var request = Assert.Single(MemoryModel.Requests);
        Assert.All(["turn one", "turn two", "turn three"], text => Assert.Contains(text, request.PromptText, StringComparison.Ordinal));
        Assert.Equal(3, (await memory.GetSessionAsync(Ct))!.SummaryWatermark);

        for (var i = 4; i <= 7; i++)
        {
            await TurnAsync(memory, "turn " + i);
        }

        Assert.Equal(2, MemoryModel.CallCount);
        Assert.All(["turn 4", "turn 5", "turn 6"], text => Assert.Contains(text, MemoryModel.Requests[1].PromptText, StringComparison.Ordinal));
        var session = await memory.GetSessionAsync(Ct);
        Assert.Equal(("Summary number 2.", 6L), (session!.Summary, session.SummaryWatermark));
    }

    [Fact]
    public async Task A_token_threshold_summarizes_before_the_turn_cadence_once_the_waiting_turns_are_long_enough()
    {
        MemoryModel.Summaries(_ => "A summary.");
        var memory = NewMemory(new() { SummaryMemory = true, SummaryEveryTurns = 10, SummaryTokenThreshold = 100 });
        await TurnAsync(memory, "short");
        await TurnAsync(memory, "short again");
        Assert.Equal(0, MemoryModel.CallCount);

        await TurnAsync(memory, new string('x', 400));
        var request = Assert.Single(MemoryModel.Requests);
        Assert.Contains("short again", request.PromptText, StringComparison.Ordinal);
        Assert.Equal(3, (await memory.GetSessionAsync(Ct))!.SummaryWatermark);
    }

    [Fact]
    public async Task Waiting_turns_that_outgrow_one_pass_are_summarized_in_several_calls_oldest_first_none_left_out()
    {
        var n = 0;
        MemoryModel.Summaries(_ => "Summary number " + ++n + ".");
        var memory = NewMemory(new() { SummaryMemory = true, SummaryEveryTurns = 5, SummaryMaxTurnCharacters = 300 });
        await TurnAsync(memory, "first " + new string('a', 100));
        await TurnAsync(memory, "second " + new string('b', 100));
        Assert.Equal(0, MemoryModel.CallCount);

        await TurnAsync(memory, "third " + new string('c', 100));
        Assert.Equal(2, MemoryModel.CallCount);
        var (first, second) = (MemoryModel.Requests[0].PromptText, MemoryModel.Requests[1].PromptText);
        Assert.Contains("first aaa", first, StringComparison.Ordinal);
        Assert.Contains("second bbb", first, StringComparison.Ordinal);
        Assert.DoesNotContain("third", first, StringComparison.Ordinal);
        Assert.Contains("Summary number 1.", second, StringComparison.Ordinal);
        Assert.Contains("third ccc", second, StringComparison.Ordinal);
        var session = await memory.GetSessionAsync(Ct);
        Assert.Equal(("Summary number 2.", 3L), (session!.Summary, session.SummaryWatermark));
    }

    [Theory]
    [InlineData(0, null, "SummaryEveryTurns")]
    [InlineData(1, 0, "SummaryTokenThreshold")]
    public void A_cadence_setting_out_of_range_is_rejected_naming_it(int everyTurns, int? tokenThreshold, string setting)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            NewMemory(new() { SummaryMemory = true, SummaryEveryTurns = everyTurns, SummaryTokenThreshold = tokenThreshold }));
        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }
}
