using Upsonic.Storage;
using Xunit;

namespace Upsonic.Storage.Testing;

/// <summary>MemoryFactory: one configuration serving many sessions, one background worker drained by the factory.</summary>
public abstract class MemoryFactoryAcceptance<TTarget> : MemoryStorageFailureAcceptance<TTarget>
    where TTarget : StorageTarget, new()
{
    private static MemoryOptions Background() =>
        new() { FullSessionMemory = true, SummaryMemory = true, BackgroundProcessing = true };

    private MemoryFactory NewFactory(MemoryOptions options, IStorage? storage = null) => new(storage ?? Storage, options, MemoryModel, Logs);

    [Fact]
    public async Task A_memory_from_the_factory_belongs_to_the_given_session_and_user_and_shares_the_factory_settings()
    {
        await using var factory = NewFactory(new() { FullSessionMemory = true, NumLastMessages = 3 });
        await using var memory = factory.ForSession("s1", "u1");
        Assert.Equal("s1", memory.SessionId);
        Assert.Equal("u1", memory.UserId);
        Assert.True(memory.FullSessionMemoryEnabled);
        Assert.Equal(3, memory.NumLastMessages);
        Assert.Same(MemoryModel, memory.Model);
        Assert.Same(Storage, memory.Storage);
        Assert.NotEqual(factory.ForSession("s1").UserId, factory.ForSession("s1").UserId);
    }

    [Fact]
    public async Task ForSession_does_no_storage_work()
    {
        var broken = FaultyStorage.Wrap(Storage, typeof(IStorage).GetMethods().Select(m => m.Name).ToArray());
        await using var factory = NewFactory(new() { FullSessionMemory = true }, broken);
        var memory = factory.ForSession(new MemoryScope("s1", "u1"));
        Assert.Equal("s1", memory.SessionId);
        await Assert.ThrowsAsync<StorageException>(() => memory.SaveRunAsync(new AgentRun { RunId = "r1", Messages = [MemoryTurns.User("hi")] }, Ct));
    }

    [Fact]
    public async Task Disposing_a_factory_memory_returns_at_once_and_the_factory_flush_waits_for_its_summary()
    {
        using var gate = new ManualResetEventSlim(false);
        MemoryModel.Summaries(_ =>
        {
            gate.Wait(TestContext.Current.CancellationToken);
            return "Summary of s1.";
        });
        await using var factory = NewFactory(Background());
        var memory = factory.ForSession("s1", "u1");
        await TurnAsync(memory, "hello");

        var disposing = memory.DisposeAsync();
        Assert.True(disposing.IsCompleted);
        await disposing;
        Assert.Null((await Storage.GetSessionAsync("s1", cancellationToken: Ct))!.Summary);

        gate.Set();
        await factory.FlushAsync(Ct);
        Assert.Equal("Summary of s1.", (await Storage.GetSessionAsync("s1", cancellationToken: Ct))!.Summary);
    }

    [Fact]
    public async Task Disposing_the_factory_drains_the_work_of_every_session()
    {
        MemoryModel.Summaries(r => "Summary: " + r.PromptText.Split("topic-")[1][..1]);
        var factory = NewFactory(Background());
        for (var i = 0; i < 6; i++)
        {
            using var memory = factory.ForSession("s" + i, "u" + i);
            await TurnAsync(memory, "topic-" + i);
        }

        await factory.DisposeAsync();
        for (var i = 0; i < 6; i++)
        {
            var session = await Storage.GetSessionAsync("s" + i, cancellationToken: Ct);
            Assert.Equal("Summary: " + i, session!.Summary);
            Assert.Equal(1, session.SummaryWatermark);
        }

        Assert.Throws<ObjectDisposedException>(() => factory.ForSession("s9"));
    }

    [Fact]
    public async Task A_memory_flush_waits_for_its_own_session_only()
    {
        using var gate = new ManualResetEventSlim(false);
        MemoryModel.Summaries(r =>
        {
            if (r.PromptText.Contains("slow", StringComparison.Ordinal))
            {
                gate.Wait(TestContext.Current.CancellationToken);
            }

            return "done";
        });
        await using var factory = NewFactory(Background());
        var slow = factory.ForSession("slow-session", "u1");
        var fast = factory.ForSession("fast-session", "u2");
        await TurnAsync(slow, "slow");
        await TurnAsync(fast, "fast");

        await fast.FlushAsync(Ct);
        Assert.Equal("done", (await Storage.GetSessionAsync("fast-session", cancellationToken: Ct))!.Summary);
        Assert.Null((await Storage.GetSessionAsync("slow-session", cancellationToken: Ct))!.Summary);
        gate.Set();
        await factory.FlushAsync(Ct);
        Assert.Equal("done", (await Storage.GetSessionAsync("slow-session", cancellationToken: Ct))!.Summary);
    }

    [Fact]
    public async Task The_factory_keeps_the_options_it_was_given()
    {
        var options = new MemoryOptions { FullSessionMemory = true, NumLastMessages = 2 };
        await using var factory = NewFactory(options);
        options.NumLastMessages = 7;
        options.FullSessionMemory = false;
        var memory = factory.ForSession("s1");
        Assert.Equal(2, memory.NumLastMessages);
        Assert.True(memory.FullSessionMemoryEnabled);
    }

    [Fact]
    public void A_bad_option_fails_when_the_factory_is_created_and_names_the_setting()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => NewFactory(new() { SummaryMaxRuns = 0 }));
        Assert.Contains("SummaryMaxRuns", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForSession_rejects_missing_ids()
    {
        await using var factory = NewFactory(new());
        Assert.Throws<ArgumentNullException>("sessionId", () => factory.ForSession(null!));
        Assert.Throws<ArgumentException>("sessionId", () => factory.ForSession(" "));
        Assert.Throws<ArgumentException>("userId", () => factory.ForSession("s1", ""));
    }

    [Fact]
    public async Task A_save_after_the_factory_is_disposed_keeps_the_turn_and_reports_the_disposal()
    {
        MemoryModel.Summaries(_ => "never");
        var factory = NewFactory(Background());
        var memory = factory.ForSession("s1", "u1");
        await factory.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => TurnAsync(memory, "late"));
        Assert.Equal(2, (await memory.GetMessagesAsync(Ct)).Count);
        Assert.Equal(0, MemoryModel.CallCount);
    }
}
