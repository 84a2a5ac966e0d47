using System.Diagnostics;
using Microsoft.Extensions.AI;
using Upsonic.Storage;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Tests.Diagnostics;

using Memory = Upsonic.Storage.Memory;

/// <summary>The span tree of one turn through the agent and through the middleware, and what the spans and measurements carry.</summary>
/// <remarks>One class, so the test that turns <see cref="MemoryTelemetry.RecordUserId"/> on never runs beside one that expects it off.</remarks>
public sealed class TracingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The scripted model behind M.E.AI's own OpenTelemetry client, so the model call is a span of the trace too.</summary>
    private static IChatClient Traced(ScriptedChatClient model) =>
        model.AsBuilder().UseOpenTelemetry(sourceName: TelemetryRecorder.ModelSource).Build();

    private static Memory NewMemory(string sessionId, string userId = "user-1") =>
        new(new InMemoryStorage(), sessionId: sessionId, userId: userId, fullSessionMemory: true);

    [Fact]
    public async Task An_agent_run_is_an_invoke_agent_span_with_prepare_the_model_call_and_save_as_children()
    {
        using var telemetry = new TelemetryRecorder();
        var agent = new Agent(Traced(new ScriptedChatClient("Hi.")), NewMemory("s-agent"), name: "helper", agentId: "agent-7");

        await agent.DoAsync("Hello", Ct);

        var invoke = telemetry.Single("invoke_agent helper");
        Assert.Equal(telemetry.Root.SpanId, invoke.ParentSpanId);
        Assert.Equal("invoke_agent", invoke.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("helper", invoke.GetTagItem("gen_ai.agent.name"));
        Assert.Equal("agent-7", invoke.GetTagItem("gen_ai.agent.id"));
        Assert.Equal("s-agent", invoke.GetTagItem("gen_ai.conversation.id"));
        Assert.Equal("Completed", invoke.GetTagItem("upsonic.memory.run_status"));
        Assert.Equal(["memory.prepare", "chat scripted", "memory.save"], telemetry.ChildrenOf(invoke).Select(a => a.DisplayName));
        Assert.Equal("s-agent", telemetry.Single("memory.prepare").GetTagItem("gen_ai.conversation.id"));
        Assert.Equal("s-agent", telemetry.Single("memory.save").GetTagItem("gen_ai.conversation.id"));
        Assert.All(telemetry.Activities, a => Assert.NotEqual(ActivityStatusCode.Error, a.Status));
    }

    [Fact]
    public async Task A_middleware_call_is_a_turn_span_with_prepare_the_model_call_and_save_as_children()
    {
        using var telemetry = new TelemetryRecorder();
        var chat = Traced(new ScriptedChatClient("Hi.")).AsBuilder().UseMemory(NewMemory("s-turn"), m => m.AgentName = "chat-app").Build();

        await chat.GetResponseAsync("Hello", cancellationToken: Ct);

        var turn = telemetry.Single("memory.turn");
        Assert.Equal(telemetry.Root.SpanId, turn.ParentSpanId);
        Assert.Equal("s-turn", turn.GetTagItem("gen_ai.conversation.id"));
        Assert.Equal("chat-app", turn.GetTagItem("gen_ai.agent.name"));
        Assert.Equal(["memory.prepare", "chat scripted", "memory.save"], telemetry.ChildrenOf(turn).Select(a => a.DisplayName));
    }

    [Fact]
    public async Task A_streamed_middleware_call_saves_under_its_turn_span()
    {
        using var telemetry = new TelemetryRecorder();
        var chat = Traced(new ScriptedChatClient("Hi there.")).AsBuilder().UseMemory(NewMemory("s-stream")).Build();

        await foreach (var _ in chat.GetStreamingResponseAsync("Hello", cancellationToken: Ct))
        {
        }

        var turn = telemetry.Single("memory.turn");
        Assert.Equal(["memory.prepare", "chat scripted", "memory.save"], telemetry.ChildrenOf(turn).Select(a => a.DisplayName));
    }

    [Fact]
    public async Task A_streamed_agent_run_is_an_invoke_agent_span_with_prepare_the_model_call_and_save_as_children()
    {
        using var telemetry = new TelemetryRecorder();
        var agent = new Agent(Traced(new ScriptedChatClient("Hi there.")), NewMemory("s-agent-stream"), name: "streamer", agentId: "agent-8");

        var chunks = new List<string>();
        await foreach (var chunk in agent.StreamAsync("Hello", Ct))
        {
            chunks.Add(chunk);
        }

        Assert.Equal("Hi there.", string.Concat(chunks));
        var invoke = telemetry.Single("invoke_agent streamer");
        Assert.Equal(telemetry.Root.SpanId, invoke.ParentSpanId);
        Assert.Equal("invoke_agent", invoke.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("agent-8", invoke.GetTagItem("gen_ai.agent.id"));
        Assert.Equal("s-agent-stream", invoke.GetTagItem("gen_ai.conversation.id"));
        Assert.Equal("Completed", invoke.GetTagItem("upsonic.memory.run_status"));
        Assert.Equal(["memory.prepare", "chat scripted", "memory.save"], telemetry.ChildrenOf(invoke).Select(a => a.DisplayName));
        Assert.All(telemetry.Activities, a => Assert.NotEqual(ActivityStatusCode.Error, a.Status));
    }

    [Fact]
    public async Task A_streamed_agent_run_the_consumer_stops_reading_is_tagged_cancelled_on_its_invoke_agent_span()
    {
        using var telemetry = new TelemetryRecorder();
        var agent = new Agent(new ScriptedChatClient("Hi there, this is long."), NewMemory("s-agent-stop"), name: "stopped");

        await foreach (var _ in agent.StreamAsync("Hello", Ct))
        {
            break;
        }

        var invoke = telemetry.Single("invoke_agent stopped");
        Assert.Equal("Cancelled", invoke.GetTagItem("upsonic.memory.run_status"));
        Assert.Contains(telemetry.ChildrenOf(invoke), a => a.DisplayName == "memory.save");
    }

    [Fact]
    public async Task A_failed_save_at_the_end_of_a_stream_gives_the_turn_and_agent_spans_error_status_and_an_exception_event()
    {
        using var telemetry = new TelemetryRecorder();
        var chat = new ScriptedChatClient("Hi there.").AsBuilder()
            .UseMemory(new Memory(FaultyStorage.Wrap(new InMemoryStorage(), nameof(IStorage.AppendRunAsync)), sessionId: "s-save-fail", fullSessionMemory: true))
            .Build();
        var agent = new Agent(new ScriptedChatClient("Hi there."),
            new Memory(FaultyStorage.Wrap(new InMemoryStorage(), nameof(IStorage.AppendRunAsync)), sessionId: "s-save-fail-agent", fullSessionMemory: true),
            name: "saving");

        await Assert.ThrowsAsync<StorageException>(async () =>
        {
            await foreach (var _ in chat.GetStreamingResponseAsync("Hello", cancellationToken: Ct))
            {
            }
        });
        await Assert.ThrowsAsync<StorageException>(async () =>
        {
            await foreach (var _ in agent.StreamAsync("Hello", Ct))
            {
            }
        });

        foreach (var span in new[] { telemetry.Single("memory.turn"), telemetry.Single("invoke_agent saving") })
        {
            Assert.Equal(ActivityStatusCode.Error, span.Status);
            Assert.Equal(typeof(StorageException).FullName, span.GetTagItem("error.type"));
            var exception = Assert.Single(span.Events, e => e.Name == "exception");
            Assert.Contains(exception.Tags, t => t.Key == "exception.type" && Equals(t.Value, typeof(StorageException).FullName));
            var save = Assert.Single(telemetry.ChildrenOf(span), a => a.DisplayName == "memory.save");
            Assert.Equal(ActivityStatusCode.Error, save.Status);
        }
    }

    [Fact]
    public async Task A_failed_model_call_gives_the_turn_and_agent_spans_error_status_and_an_exception_event()
    {
        using var telemetry = new TelemetryRecorder();
        var model = new ScriptedChatClient().EnqueueThrow(new InvalidOperationException("the model is down")).EnqueueThrow(new InvalidOperationException("the model is down"));
        var chat = model.AsBuilder().UseMemory(NewMemory("s-fail")).Build();
        var agent = new Agent(model, NewMemory("s-fail-agent"), name: "failing");

        await Assert.ThrowsAsync<InvalidOperationException>(() => chat.GetResponseAsync("Hello", cancellationToken: Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => agent.DoAsync("Hello", Ct));

        foreach (var span in new[] { telemetry.Single("memory.turn"), telemetry.Single("invoke_agent failing") })
        {
            Assert.Equal(ActivityStatusCode.Error, span.Status);
            Assert.Equal(typeof(InvalidOperationException).FullName, span.GetTagItem("error.type"));
            var exception = Assert.Single(span.Events, e => e.Name == "exception");
            Assert.Contains(exception.Tags, t => t.Key == "exception.type" && Equals(t.Value, typeof(InvalidOperationException).FullName));
            Assert.DoesNotContain(exception.Tags, t => t.Value?.ToString()?.Contains("the model is down", StringComparison.Ordinal) == true);
        }
    }

    [Fact]
    public async Task A_failed_read_in_prepare_gives_the_prepare_agent_and_turn_spans_error_status_and_an_exception_event()
    {
        using var telemetry = new TelemetryRecorder();
        var memory = new Memory(FaultyStorage.Wrap(new InMemoryStorage(), nameof(IStorage.LoadSessionWindowAsync)), sessionId: "s-prepare-fail", fullSessionMemory: true);
        var agent = new Agent(new ScriptedChatClient("never"), memory, name: "reading");
        var chat = new ScriptedChatClient("never").AsBuilder().UseMemory(memory).Build();

        await Assert.ThrowsAsync<StorageException>(() => agent.DoAsync("Hello", Ct));
        await Assert.ThrowsAsync<StorageException>(() => chat.GetResponseAsync("Hello", cancellationToken: Ct));

        var invoke = telemetry.Single("invoke_agent reading");
        var turn = telemetry.Single("memory.turn");
        var prepares = new[] { invoke, turn }.Select(parent => Assert.Single(telemetry.ChildrenOf(parent))).ToList();
        Assert.All(prepares, p => Assert.Equal("memory.prepare", p.DisplayName));
        foreach (var span in prepares.Append(invoke).Append(turn))
        {
            Assert.Equal(ActivityStatusCode.Error, span.Status);
            Assert.Equal(typeof(StorageException).FullName, span.GetTagItem("error.type"));
            Assert.Single(span.Events, e => e.Name == "exception");
        }
    }

    [Fact]
    public async Task The_user_id_is_on_no_span_by_default_and_on_the_run_spans_when_opted_in()
    {
        using (var telemetry = new TelemetryRecorder())
        {
            await new Agent(new ScriptedChatClient("Hi."), NewMemory("s-default", userId: "user-secret-7")).DoAsync("Hello", Ct);
            Assert.NotEmpty(telemetry.Activities);
            Assert.DoesNotContain(telemetry.AllTagValues(), v => v.Contains("user-secret-7", StringComparison.Ordinal));
        }

        MemoryTelemetry.RecordUserId = true;
        try
        {
            using var telemetry = new TelemetryRecorder();
            await new Agent(new ScriptedChatClient("Hi."), NewMemory("s-opted", userId: "user-secret-7"), name: "opted").DoAsync("Hello", Ct);
            Assert.Equal("user-secret-7", telemetry.Single("invoke_agent opted").GetTagItem("upsonic.memory.user_id"));
            Assert.Equal("user-secret-7", telemetry.Single("memory.prepare").GetTagItem("upsonic.memory.user_id"));
            Assert.Equal("user-secret-7", telemetry.Single("memory.save").GetTagItem("upsonic.memory.user_id"));
        }
        finally
        {
            MemoryTelemetry.RecordUserId = false;
        }
    }

    [Fact]
    public async Task Memory_steps_record_their_durations_in_seconds_without_ids_in_the_tags()
    {
        using var telemetry = new TelemetryRecorder();
        var model = new ScriptedChatClient("Hi.");
        model.Summaries(_ => "A summary.").Traits("""{"detected_tone":"calm"}""");
        var memory = new Memory(new InMemoryStorage(), sessionId: "s-metrics", userId: "user-metrics", fullSessionMemory: true,
            summaryMemory: true, userAnalysisMemory: true, model: model);

        await new Agent(model, memory).DoAsync("Hello", Ct);

        foreach (var name in new[] { "upsonic.memory.prepare.duration", "upsonic.memory.save.duration", "upsonic.memory.summary.duration", "upsonic.memory.profile.duration" })
        {
            var measurement = Assert.Single(telemetry.Measurements, m => m.Instrument == name);
            Assert.Equal("s", measurement.Unit);
            Assert.True(measurement.Value >= 0);
            Assert.DoesNotContain(measurement.Tags, t => t.Value?.ToString() is "s-metrics" or "user-metrics");
        }
    }

    [Fact]
    public async Task Background_summaries_do_not_hang_under_the_run_that_started_the_worker()
    {
        using var telemetry = new TelemetryRecorder();
        var model = new ScriptedChatClient("Hi.");
        model.Summaries(_ => "A summary.");
        await using var memory = new Memory(new InMemoryStorage(),
            new MemoryOptions { SessionId = "s-background", FullSessionMemory = true, SummaryMemory = true, BackgroundProcessing = true }, model);
        var agent = new Agent(model, memory);

        await agent.DoAsync("One", Ct);
        await agent.DoAsync("Two", Ct);
        await memory.FlushAsync(Ct);

        Assert.Equal(2, telemetry.Activities.Count(a => a.DisplayName.StartsWith("invoke_agent", StringComparison.Ordinal)));
        Assert.DoesNotContain(telemetry.Activities, a => a.DisplayName == "memory.summary");
        Assert.True(model.CallCount > 2, "the background summaries ran");
    }
}
