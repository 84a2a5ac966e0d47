using System.Diagnostics;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Upsonic.AgentFramework;
using Upsonic.Memory.AgentFramework.Tests.Backends;
using Upsonic.Storage;
using Upsonic.Storage.Testing;
using AgentSession = Microsoft.Agents.AI.AgentSession;

namespace Upsonic.Memory.AgentFramework.Tests;

/// <summary>
/// The span tree of one run of a real <see cref="ChatClientAgent"/> with both providers, under the framework's own
/// <c>invoke_agent</c> span (<c>UseOpenTelemetry</c>): the providers' prepare and save spans and the model call are its
/// children, a storage failure marks the spans failed, and no message text or user id is in any tag.
/// </summary>
public sealed class ProviderTracingTests : AgentMemoryTestBase<InMemoryBackend>
{
    private const string UserId = "user-secret-af";
    private const string Message = "My secret name is Zebediah.";

    /// <summary>An agent with both providers over <paramref name="factory"/>, traced on the recorder's model source.</summary>
    private AIAgent TracedAgent(MemoryFactory factory, out MemoryChatHistoryProvider history)
    {
        history = new MemoryChatHistoryProvider(factory);
        return NewAgent(history, [new MemoryContextProvider(factory)]).AsBuilder().UseOpenTelemetry(sourceName: TelemetryRecorder.ModelSource).Build();
    }

    private async Task<AgentSession> SessionAsync(AIAgent agent, MemoryChatHistoryProvider history, string sessionId)
    {
        var session = await agent.CreateSessionAsync(Ct);
        history.SetScope(session, new MemoryScope(sessionId, UserId));
        return session;
    }

    /// <summary>The framework's agent span; it names the agent and its id (<c>invoke_agent test-agent(&lt;id&gt;)</c>).</summary>
    private static Activity InvokeAgent(TelemetryRecorder telemetry) =>
        Assert.Single(telemetry.Activities, a => a.DisplayName.StartsWith("invoke_agent test-agent", StringComparison.Ordinal));

    [Fact]
    public async Task A_run_is_an_invoke_agent_span_with_both_prepares_the_model_call_and_the_save_as_children()
    {
        using var telemetry = new TelemetryRecorder();
        var agent = TracedAgent(NewFactory(new MemoryOptions { FullSessionMemory = true }), out var history);
        var session = await SessionAsync(agent, history, "s-af-trace");

        await RunAsync(agent, session, Message);

        var invoke = InvokeAgent(telemetry);
        Assert.Equal(telemetry.Root.SpanId, invoke.ParentSpanId);
        var children = telemetry.ChildrenOf(invoke);
        Assert.Equal(["memory.prepare", "memory.prepare", "chat scripted", "memory.save"], children.Select(a => a.DisplayName));
        Assert.All(children.Where(a => a.DisplayName.StartsWith("memory.", StringComparison.Ordinal)),
            a => Assert.Equal("s-af-trace", a.GetTagItem("gen_ai.conversation.id")));
        Assert.All(telemetry.Activities, a => Assert.NotEqual(ActivityStatusCode.Error, a.Status));
        Assert.DoesNotContain(telemetry.AllTagValues(), v => v.Contains("Zebediah", StringComparison.Ordinal) || v.Contains(UserId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failed_save_gives_the_save_and_the_invoke_agent_spans_error_status_and_an_exception_event()
    {
        using var telemetry = new TelemetryRecorder();
        await using var factory = new MemoryFactory(FaultyStorage.Wrap(Storage, nameof(IStorage.AppendRunAsync)), new MemoryOptions { FullSessionMemory = true }, MemoryModel);
        var agent = TracedAgent(factory, out var history);
        var session = await SessionAsync(agent, history, "s-af-save-fail");

        await Assert.ThrowsAsync<StorageException>(() => RunAsync(agent, session, Message));

        var invoke = InvokeAgent(telemetry);
        var save = Assert.Single(telemetry.ChildrenOf(invoke), a => a.DisplayName == "memory.save");
        foreach (var span in new[] { save, invoke })
        {
            Assert.Equal(ActivityStatusCode.Error, span.Status);
            Assert.Equal(typeof(StorageException).FullName, span.GetTagItem("error.type"));
        }

        var exception = Assert.Single(save.Events, e => e.Name == "exception");
        Assert.Contains(exception.Tags, t => t.Key == "exception.type" && Equals(t.Value, typeof(StorageException).FullName));
        Assert.DoesNotContain(telemetry.AllTagValues(), v => v.Contains("Zebediah", StringComparison.Ordinal) || v.Contains(UserId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failed_read_in_prepare_fails_the_prepare_and_invoke_agent_spans_before_the_model_is_called()
    {
        using var telemetry = new TelemetryRecorder();
        await using var factory = new MemoryFactory(FaultyStorage.Wrap(Storage, nameof(IStorage.LoadSessionWindowAsync)), new MemoryOptions { FullSessionMemory = true }, MemoryModel);
        var agent = TracedAgent(factory, out var history);
        var session = await SessionAsync(agent, history, "s-af-prepare-fail");

        await Assert.ThrowsAsync<StorageException>(() => RunAsync(agent, session, Message));

        Assert.Equal(0, AgentModel.CallCount);
        var invoke = InvokeAgent(telemetry);
        Assert.Equal(ActivityStatusCode.Error, invoke.Status);
        var prepare = Assert.Single(telemetry.ChildrenOf(invoke), a => a.DisplayName == "memory.prepare");
        Assert.Equal(ActivityStatusCode.Error, prepare.Status);
        Assert.Contains(prepare.Events, e => e.Name == "exception");
        Assert.DoesNotContain(telemetry.ChildrenOf(invoke), a => a.DisplayName.StartsWith("chat", StringComparison.Ordinal));
    }
}
