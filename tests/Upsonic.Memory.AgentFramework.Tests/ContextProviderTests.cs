using Microsoft.Agents.AI;
using Upsonic.AgentFramework;
using Upsonic.Memory.AgentFramework.Tests.Backends;
using Upsonic.Storage;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.AgentFramework.Tests;

/// <summary><see cref="MemoryContextProvider"/>: summary, profile and metadata into the instructions, and the work after the run.</summary>
public abstract class ContextProviderTests<TBackend> : AgentMemoryTestBase<TBackend>
    where TBackend : StorageBackend, new()
{
    private const string Traits = """{"detected_expertise":"Rust developer","inferred_interests":["tea"]}""";

    [Fact]
    public async Task The_summary_and_profile_written_after_a_run_are_in_the_next_runs_instructions()
    {
        MemoryModel.Summaries(_ => "The user is Ada, a Rust developer.").Traits(Traits);
        var factory = NewFactory(new MemoryOptions { FullSessionMemory = true, SummaryMemory = true, UserAnalysisMemory = true });
        var history = new MemoryChatHistoryProvider(factory);
        var agent = NewAgent(history, [new MemoryContextProvider(factory)], instructions: "Be brief.");
        var session = await agent.CreateSessionAsync(Ct);

        await RunAsync(agent, session, "I am Ada and I write Rust.");
        await RunAsync(agent, session, "What do I write?");

        Assert.Equal("Be brief.", AgentModel.Requests[0].Instructions);
        var instructions = AgentModel.Requests[1].Instructions!;
        Assert.StartsWith("Be brief.\n", instructions, StringComparison.Ordinal);
        Assert.Contains("<UserProfile>\n- detected_expertise: Rust developer\n- inferred_interests: tea\n</UserProfile>", instructions, StringComparison.Ordinal);
        Assert.Contains("<Context>\n<SessionSummary>\nThe user is Ada, a Rust developer.\n</SessionSummary>\n</Context>", instructions, StringComparison.Ordinal);
        // One summary pass and one analysis per run, though two providers saw each run.
        Assert.Equal(2, MemoryModel.Requests.Count(MemoryScripts.IsSummary));
        Assert.Equal(2, MemoryModel.Requests.Count(r => MemoryScripts.IsProfile(r)));
    }

    [Fact]
    public async Task Both_providers_store_each_run_once_and_nothing_that_was_injected()
    {
        MemoryModel.Summaries(_ => "SUMMARY TEXT").Traits(Traits);
        var factory = NewFactory(new MemoryOptions { FullSessionMemory = true, SummaryMemory = true, UserAnalysisMemory = true });
        var history = new MemoryChatHistoryProvider(factory);
        var agent = NewAgent(history, [new MemoryContextProvider(factory), new InjectingContextProvider("INJECTED NOTE")]);
        var session = await agent.CreateSessionAsync(Ct);

        await RunAsync(agent, session, "first");
        await RunAsync(agent, session, "second");

        // The model did get the injections, so the check below can fail.
        Assert.Contains("user: INJECTED NOTE", SentTexts(1));
        Assert.Contains("SUMMARY TEXT", AgentModel.Requests[1].Instructions, StringComparison.Ordinal);
        var stored = await StoredAsync(factory, history.GetScope(session));
        Assert.Equal(2, stored!.Runs.Count);
        Assert.Equal(["user: first", "assistant: ok", "user: second", "assistant: ok"], Texts(stored.Messages));
        Assert.All(stored.Runs.SelectMany(r => r.Messages), m => Assert.DoesNotContain("INJECTED", m.Text, StringComparison.Ordinal));
        Assert.All(stored.Runs, r => Assert.Equal(2, r.Messages.Count));
    }

    [Fact]
    public async Task On_its_own_it_stores_runs_for_the_summary_but_not_in_the_history()
    {
        MemoryModel.Summaries(_ => "The user likes green tea.");
        var factory = NewFactory(new MemoryOptions { SummaryMemory = true });
        var context = new MemoryContextProvider(factory);
        var agent = NewAgent(history: null, [context]);
        var session = await agent.CreateSessionAsync(Ct);

        await RunAsync(agent, session, "I like green tea.");
        await RunAsync(agent, session, "What do I like?");

        Assert.Contains("<SessionSummary>\nThe user likes green tea.\n</SessionSummary>", AgentModel.Requests[1].Instructions, StringComparison.Ordinal);
        var stored = await StoredAsync(factory, context.GetScope(session));
        Assert.Equal(2, stored!.Runs.Count);
        Assert.Empty(stored.Messages);
        // The framework's own in-memory history was sent to the model, and is not stored again with the second run.
        Assert.Equal(["user: I like green tea.", "assistant: ok", "user: What do I like?"], SentTexts(1));
        Assert.Equal(["user: What do I like?", "assistant: ok"], Texts(stored.Runs[1].Messages));
    }

    [Fact]
    public async Task Agent_and_session_metadata_are_injected_as_blocks()
    {
        var factory = NewFactory(new MemoryOptions { FullSessionMemory = true });
        var history = new MemoryChatHistoryProvider(factory);
        var context = new MemoryContextProvider(factory, new MemoryContextProviderOptions { AgentMetadata = new Dictionary<string, object?> { ["app"] = "demo" } });
        var agent = NewAgent(history, [context], instructions: "Be brief.");
        var session = await agent.CreateSessionAsync(Ct);
        await RunAsync(agent, session, "hi");
        await using (var memory = factory.ForSession(history.GetScope(session)))
        {
            await memory.SetMetadataAsync(new Dictionary<string, object?> { ["tier"] = "gold" }, Ct);
        }

        await RunAsync(agent, session, "again");

        Assert.Equal("Be brief.\n<Context>\n<AgentMetadata>\n  app: demo\n</AgentMetadata>\n</Context>", AgentModel.Requests[0].Instructions);
        Assert.Equal(
            "Be brief.\n<Context>\n<AgentMetadata>\n  app: demo\n</AgentMetadata>\n\n<SessionMetadata>\n  tier: gold\n</SessionMetadata>\n</Context>",
            AgentModel.Requests[1].Instructions);
    }

    [Fact]
    public async Task Background_work_runs_on_the_factory_worker_and_is_injected_after_a_flush()
    {
        MemoryModel.Summaries(_ => "Background summary.");
        var factory = NewFactory(new MemoryOptions { FullSessionMemory = true, SummaryMemory = true, BackgroundProcessing = true });
        var agent = NewAgent(new MemoryChatHistoryProvider(factory), [new MemoryContextProvider(factory)]);
        var session = await agent.CreateSessionAsync(Ct);

        await RunAsync(agent, session, "remember this");
        await factory.FlushAsync(Ct);
        await RunAsync(agent, session, "what did I say?");

        Assert.Contains("<SessionSummary>\nBackground summary.\n</SessionSummary>", AgentModel.Requests[1].Instructions, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_history_provider_it_uses_that_providers_scope()
    {
        MemoryModel.Summaries(_ => "Shared summary.");
        var factory = NewFactory(new MemoryOptions { FullSessionMemory = true, SummaryMemory = true });
        var history = new MemoryChatHistoryProvider(factory, new MemoryChatHistoryProviderOptions { ScopeResolver = _ => new MemoryScope("conversation-7", "user-7") });
        var agent = NewAgent(history, [new MemoryContextProvider(factory)]);
        var session = await agent.CreateSessionAsync(Ct);

        await RunAsync(agent, session, "hello");
        await RunAsync(agent, session, "again");

        Assert.Equal(new MemoryScope("conversation-7", "user-7"), history.GetScope(session));
        Assert.Equal("Shared summary.", (await StoredAsync(factory, new MemoryScope("conversation-7", "user-7")))!.Summary);
        Assert.Contains("Shared summary.", AgentModel.Requests[1].Instructions, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_run_is_stored_once_as_an_error_run_with_or_without_a_history_provider()
    {
        var factory = NewFactory(new MemoryOptions { SummaryMemory = true });
        var history = new MemoryChatHistoryProvider(factory);
        var both = NewAgent(history, [new MemoryContextProvider(factory)]);
        var context = new MemoryContextProvider(factory);
        var alone = NewAgent(history: null, [context]);
        var bothSession = await both.CreateSessionAsync(Ct);
        var aloneSession = await alone.CreateSessionAsync(Ct);
        AgentModel.EnqueueThrow(new InvalidOperationException("down")).EnqueueThrow(new InvalidOperationException("down"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => both.RunAsync("one", bothSession, cancellationToken: Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => alone.RunAsync("two", aloneSession, cancellationToken: Ct));

        var fromBoth = Assert.Single((await StoredAsync(factory, history.GetScope(bothSession)))!.Runs);
        var fromAlone = Assert.Single((await StoredAsync(factory, context.GetScope(aloneSession)))!.Runs);
        Assert.Equal((RunStatus.Error, "down", "one"), (fromBoth.Status, fromBoth.Error, fromBoth.Input));
        Assert.Equal((RunStatus.Error, "down", "two"), (fromAlone.Status, fromAlone.Error, fromAlone.Input));
        Assert.Empty(MemoryModel.Requests);
    }

    [Fact]
    public async Task A_profile_failure_is_logged_and_the_run_is_kept()
    {
        MemoryModel.Summaries(_ => "ok summary").WhenThrow(r => MemoryScripts.IsProfile(r), new InvalidOperationException("profile model down"));
        var factory = NewFactory(new MemoryOptions { FullSessionMemory = true, SummaryMemory = true, UserAnalysisMemory = true });
        var history = new MemoryChatHistoryProvider(factory);
        var agent = NewAgent(history, [new MemoryContextProvider(factory)]);
        var session = await agent.CreateSessionAsync(Ct);

        var answer = await RunAsync(agent, session, "hello");

        Assert.Equal("ok", answer);
        var stored = await StoredAsync(factory, history.GetScope(session));
        Assert.Single(stored!.Runs);
        Assert.Equal("ok summary", stored.Summary);
    }
}
