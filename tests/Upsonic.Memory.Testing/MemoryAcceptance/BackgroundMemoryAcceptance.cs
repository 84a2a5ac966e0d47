using System.Text.RegularExpressions;
using Upsonic.Storage;
using Xunit;

namespace Upsonic.Storage.Testing;

/// <summary>Background processing: the turn is saved at once, model work runs later, in order, coalesced, drained by Flush/Dispose.</summary>
public abstract partial class BackgroundMemoryAcceptance<TTarget> : UserProfileAcceptance<TTarget>
    where TTarget : StorageTarget, new()
{
    private Memory NewBackgroundMemory(bool profile = false) =>
        NewMemory(new() { SessionId = "bg", UserId = "u1", FullSessionMemory = true, SummaryMemory = true, UserAnalysisMemory = profile, BackgroundProcessing = true });

    [Fact]
    public async Task The_turn_is_saved_before_the_summary_and_flush_waits_for_the_summary()
    {
        var gate = new ManualResetEventSlim(false);
        MemoryModel.Summaries(_ =>
        {
            gate.Wait(TestContext.Current.CancellationToken);
            return "Summary after the turn.";
        });
        await using var memory = NewBackgroundMemory();
        await TurnAsync(memory, "hello");
        var session = await memory.GetSessionAsync(Ct);
        Assert.Equal(2, session!.Messages.Count);
        Assert.Null(session.Summary);
        gate.Set();
        await memory.FlushAsync(Ct);
        Assert.Equal("Summary after the turn.", (await memory.GetSessionAsync(Ct))!.Summary);
    }

    [Fact]
    public async Task Queued_runs_are_processed_in_order()
    {
        MemoryModel.Summaries(r => "Last seen: " + LastName().Match(r.PromptText).Groups[1].Value);
        MemoryModel.When(r => MemoryScripts.IsProfile(r), r => "{\"current_goal\":\"" + LastName().Matches(r.PromptText)[^1].Groups[1].Value + "\"}");
        await using var memory = NewBackgroundMemory(profile: true);
        for (var i = 1; i <= 5; i++)
        {
            await TurnAsync(memory, "name-" + i);
        }

        await memory.FlushAsync(Ct);
        var session = await memory.GetSessionAsync(Ct);
        Assert.Equal(5, session!.SummaryWatermark);
        var profile = (await Storage.GetUserMemoryAsync("u1", cancellationToken: Ct))!.Profile;
        Assert.Equal("name-5", profile["current_goal"]!.GetValue<string>());
    }

    [Fact]
    public async Task Runs_queued_behind_a_slow_pass_are_coalesced_into_one_pass()
    {
        var gate = new ManualResetEventSlim(false);
        var calls = 0;
        MemoryModel.Summaries(_ =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                gate.Wait(TestContext.Current.CancellationToken);
            }

            return "Summary " + calls;
        });
        await using var memory = NewBackgroundMemory();
        await TurnAsync(memory, "one");
        await TurnAsync(memory, "two");
        await TurnAsync(memory, "three");
        gate.Set();
        await memory.FlushAsync(Ct);
        Assert.InRange(MemoryModel.CallCount, 1, 2);
        var session = await memory.GetSessionAsync(Ct);
        Assert.Equal(3, session!.SummaryWatermark);
        var last = MemoryModel.Requests[^1].PromptText;
        Assert.Contains("three", last, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failure_in_background_work_is_logged_and_never_thrown()
    {
        MemoryModel.WhenThrow(MemoryScripts.IsSummary, new InvalidOperationException("model down"));
        await using var memory = NewBackgroundMemory();
        await TurnAsync(memory, "hello");
        await memory.FlushAsync(Ct);
        Assert.Contains(Logs.Warnings, w => w.Message.Contains("bg", StringComparison.Ordinal) && w.Exception is InvalidOperationException);
        Assert.Equal(2, (await memory.GetMessagesAsync(Ct)).Count);
    }

    [Fact]
    public async Task Dispose_drains_queued_work()
    {
        MemoryModel.Summaries(_ => "Drained summary.");
        var memory = NewBackgroundMemory();
        await TurnAsync(memory, "one");
        await TurnAsync(memory, "two");
        await memory.DisposeAsync();
        var session = await Storage.GetSessionAsync("bg", cancellationToken: Ct);
        Assert.Equal("Drained summary.", session!.Summary);
        Assert.Equal(2, session.SummaryWatermark);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => TurnAsync(memory, "three"));
    }

    [Fact]
    public async Task Flush_without_background_work_returns_at_once()
    {
        await using var memory = NewMemory(new() { FullSessionMemory = true });
        await memory.FlushAsync(Ct);
        memory.Flush();
        Assert.Equal(0, MemoryModel.CallCount);
    }

    [GeneratedRegex(@"(name-\d+)")]
    private static partial Regex LastName();
}
