using Microsoft.Extensions.AI;
using Upsonic.Storage;
using Xunit;

namespace Upsonic.Storage.Testing;

/// <summary>Summary memory (UPSTREAM 3, test_summary_memory.py), incremental and bounded.</summary>
public abstract partial class SummaryMemoryAcceptance<TTarget> : MemorySaveAcceptance<TTarget>
    where TTarget : StorageTarget, new()
{
    [Fact]
    public async Task After_one_turn_the_summary_is_stored_with_its_watermark()
    {
        MemoryModel.Summaries(_ => "The user introduced themselves as Alex.");
        var memory = NewMemory(new() { FullSessionMemory = true, SummaryMemory = true });
        await TurnAsync(memory, "I am Alex.");
        var session = await memory.GetSessionAsync(Ct);
        Assert.Equal("The user introduced themselves as Alex.", session!.Summary);
        Assert.Equal(1, session.SummaryWatermark);
    }

    [Fact]
    public async Task The_summary_request_is_plain_text_with_instructions_and_the_new_turn()
    {
        MemoryModel.Summaries(_ => "Summary one.");
        var memory = NewMemory(new() { SummaryMemory = true });
        await TurnAsync(memory, "I like green tea.");
        var request = Assert.Single(MemoryModel.Requests);
        Assert.False(request.WantsJson);
        Assert.False(string.IsNullOrEmpty(request.Instructions));
        Assert.Contains("Previous Summary:\nNone (first interaction)", request.PromptText, StringComparison.Ordinal);
        Assert.Contains("User: I like green tea.", request.PromptText, StringComparison.Ordinal);
        Assert.Contains("Assistant: ok", request.PromptText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_second_summary_sends_the_previous_summary_and_only_the_new_turn()
    {
        var n = 0;
        MemoryModel.Summaries(_ => "Summary number " + ++n + ".");
        var memory = NewMemory(new() { FullSessionMemory = true, SummaryMemory = true });
        await TurnAsync(memory, "first message");
        await TurnAsync(memory, "second message");
        var second = MemoryModel.Requests[1];
        Assert.Contains("Summary number 1.", second.PromptText, StringComparison.Ordinal);
        Assert.Contains("second message", second.PromptText, StringComparison.Ordinal);
        Assert.DoesNotContain("first message", second.PromptText, StringComparison.Ordinal);
        var session = await memory.GetSessionAsync(Ct);
        Assert.Equal("Summary number 2.", session!.Summary);
        Assert.Equal(2, session.SummaryWatermark);
    }

    [Fact]
    public async Task A_loaded_summary_is_injected_and_an_unloaded_one_is_not()
    {
        MemoryModel.Summaries(_ => "The user likes tea.");
        var loading = NewMemory(new() { SessionId = "s1", SummaryMemory = true });
        await TurnAsync(loading, "I like tea.");
        Assert.Contains("SessionSummary", (await loading.PrepareAsync(ct: Ct)).ContextInjection, StringComparison.Ordinal);

        var notLoading = NewMemory(new() { SessionId = "s2", SummaryMemory = true, LoadSummaryMemory = false });
        await TurnAsync(notLoading, "I like tea.");
        Assert.NotNull((await notLoading.GetSessionAsync(Ct))!.Summary);
        Assert.DoesNotContain("SessionSummary", (await notLoading.PrepareAsync(ct: Ct)).ContextInjection, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_memory_on_the_same_session_injects_the_stored_summary_without_history()
    {
        MemoryModel.Summaries(_ => "Secret word is banana.");
        await TurnAsync(NewMemory(new() { SessionId = "s1", FullSessionMemory = true, SummaryMemory = true }), "The secret is banana.");
        var summaryOnly = NewMemory(new() { SessionId = "s1", LoadSummaryMemory = true, LoadFullSessionMemory = false });
        var context = await summaryOnly.PrepareAsync(ct: Ct);
        Assert.Empty(context.MessageHistory);
        Assert.Equal("<SessionSummary>\nSecret word is banana.\n</SessionSummary>", context.ContextInjection);
    }

    [Fact]
    public async Task Without_a_model_the_summary_is_skipped_with_one_warning_and_the_turn_is_saved()
    {
        var memory = NewMemory(new() { FullSessionMemory = true, SummaryMemory = true }, withModel: false);
        await TurnAsync(memory, "one");
        await TurnAsync(memory, "two");
        Assert.Equal(4, (await memory.GetMessagesAsync(Ct)).Count);
        Assert.Null((await memory.GetSessionAsync(Ct))!.Summary);
        var warning = Assert.Single(Logs.Warnings);
        Assert.Contains(memory.SessionId, warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_model_keeps_the_previous_summary_and_logs_the_session()
    {
        MemoryModel.When(MemoryScripts.IsSummary, "Old summary.");
        var memory = NewMemory(new() { SessionId = "s-fail", FullSessionMemory = true, SummaryMemory = true });
        await TurnAsync(memory, "one");
        MemoryModel.ThrowNext(new InvalidOperationException("model down"));
        await TurnAsync(memory, "two");
        var session = await memory.GetSessionAsync(Ct);
        Assert.Equal("Old summary.", session!.Summary);
        Assert.Equal(4, session.Messages.Count);
        Assert.Contains(Logs.Warnings, w => w.Message.Contains("s-fail", StringComparison.Ordinal) && w.Exception is InvalidOperationException);
    }

    [Fact]
    public async Task An_empty_model_reply_keeps_the_previous_summary()
    {
        var replies = new Queue<string>(["Old summary.", "   "]);
        MemoryModel.Summaries(_ => replies.Dequeue());
        var memory = NewMemory(new() { SessionId = "s-empty", SummaryMemory = true });
        await TurnAsync(memory, "one");
        await TurnAsync(memory, "two");
        Assert.Equal("Old summary.", (await memory.GetSessionAsync(Ct))!.Summary);
        Assert.Contains(Logs.Warnings, w => w.Message.Contains("s-empty", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_incomplete_run_never_triggers_a_summary()
    {
        MemoryModel.Summaries(_ => "x");
        var memory = NewMemory(new() { SummaryMemory = true });
        await memory.SaveRunAsync(new AgentRun { Status = RunStatus.Paused, Messages = [new ChatMessage(ChatRole.User, "wait")] }, Ct);
        Assert.Equal(0, MemoryModel.CallCount);
    }

    [Fact]
    public async Task Long_messages_and_summaries_are_capped_in_the_prompt()
    {
        MemoryModel.Summaries(_ => new string('s', 50_000));
        var memory = NewMemory(new() { SummaryMemory = true, SummaryMaxCharacters = 500, SummaryMaxMessageCharacters = 300, SummaryMaxTurnCharacters = 1_000 });
        await TurnAsync(memory, new string('u', 20_000));
        await TurnAsync(memory, new string('v', 20_000));
        var second = MemoryModel.Requests[1];
        Assert.True(second.CharacterCount < 2_500, $"the second summary request sent {second.CharacterCount} characters");
    }
}
