using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Upsonic.Storage.Testing;

/// <summary>Storage spans and the storage duration histogram of a backend, through a real agent turn (database conventions).</summary>
/// <remarks>Not part of the <see cref="StorageContractTests{TTarget}"/> chain: a backend that reports spans (one that sets
/// <c>StorageBase.DbSystemName</c>) runs it with one line naming its engine.</remarks>
/// <typeparam name="TTarget">The backend's target.</typeparam>
public abstract class StorageTracingAcceptance<TTarget> : IAsyncLifetime
    where TTarget : StorageTarget, new()
{
    /// <summary>The backend under test.</summary>
    protected TTarget Target { get; } = new();

    /// <summary>A fresh storage of the backend.</summary>
    protected IStorage Storage { get; private set; } = null!;

    /// <summary>The agent's model ("ok" unless a reply is queued).</summary>
    protected ScriptedChatClient AgentModel { get; } = new("ok");

    /// <summary>The memory's model, for summaries and profiles.</summary>
    protected ScriptedChatClient MemoryModel { get; } = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <inheritdoc />
    public async ValueTask InitializeAsync() => Storage = await Target.CreateAsync();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        if (Storage is not null)
        {
            await Storage.DisposeAsync();
        }

        await Target.DisposeAsync();
    }

    /// <summary>The backend's <c>db.system.name</c>: <c>sqlite</c>, <c>postgresql</c>, <c>redis</c> or <c>mongodb</c>.</summary>
    protected abstract string SystemName { get; }

    /// <summary>Whether the backend talks to a server, so its spans carry <c>server.address</c> and <c>server.port</c>.</summary>
    protected virtual bool HasServer => true;

    /// <summary>A credential of the test server (for example the password of its connection string) that no tag may hold.</summary>
    protected virtual string? Secret => null;

    /// <summary>An agent turn: the storage calls of prepare and save are client spans under them, with the database attributes.</summary>
    [Fact]
    public async Task Storage_calls_of_an_agent_turn_are_client_spans_under_prepare_and_save()
    {
        using var telemetry = new TelemetryRecorder();
        var memory = new Memory(Storage, new MemoryOptions { SessionId = "s-spans", UserId = "u-spans", FullSessionMemory = true, LoadUserAnalysisMemory = true },
            model: null, NullLoggerFactory.Instance);
        await new Agent(AgentModel, memory, name: "tracer").DoAsync("hello", Ct);

        var prepare = telemetry.Single("memory.prepare");
        var save = telemetry.Single("memory.save");
        var load = Assert.Single(telemetry.ChildrenOf(prepare), a => Equals(a.GetTagItem("db.operation.name"), "LoadSessionWindow"));
        var profile = Assert.Single(telemetry.ChildrenOf(prepare), a => Equals(a.GetTagItem("db.operation.name"), "GetUserMemory"));
        var append = Assert.Single(telemetry.ChildrenOf(save), a => Equals(a.GetTagItem("db.operation.name"), "AppendRun"));
        foreach (var span in new[] { load, profile, append })
        {
            Assert.Equal(ActivityKind.Client, span.Kind);
            Assert.Equal(SystemName, span.GetTagItem("db.system.name"));
            Assert.NotEqual(ActivityStatusCode.Error, span.Status);
            if (HasServer)
            {
                Assert.False(string.IsNullOrEmpty(span.GetTagItem("server.address") as string));
                Assert.True(span.GetTagItem("server.port") is int port && port > 0);
            }
            else
            {
                Assert.Null(span.GetTagItem("server.address"));
            }
        }

        Assert.Equal(Storage.SessionTable, append.GetTagItem("db.collection.name"));
        Assert.Equal(Storage.UserMemoryTable, profile.GetTagItem("db.collection.name"));
        Assert.Equal($"AppendRun {Storage.SessionTable}", append.DisplayName);

        var durations = telemetry.Measurements.Where(m => m.Instrument == "db.client.operation.duration").ToList();
        Assert.Contains(durations, m => Equals(m.Tag("db.operation.name"), "AppendRun") && Equals(m.Tag("db.system.name"), SystemName) && m.Value >= 0);
        Assert.All(durations, m => Assert.Equal("s", m.Unit));
        Assert.All(durations, m => Assert.Null(m.Tag("error.type")));
    }

    [Fact]
    public async Task A_storage_failure_gives_its_span_error_status_an_exception_event_and_an_error_type()
    {
        await Storage.AppendRunAsync(new RunAppend
        {
            SessionId = "s-broken",
            Run = new RunRecord { RunId = "r1", Status = RunStatus.Completed, Messages = [new ChatMessage(ChatRole.User, "one"), new ChatMessage(ChatRole.Assistant, "two")] },
            AddToHistory = true,
        }, Ct);
        await Target.CorruptMessageAsync(Storage, "s-broken", 1);
        using var telemetry = new TelemetryRecorder();

        await Assert.ThrowsAsync<StorageException>(() => Storage.LoadSessionWindowAsync("s-broken", null, Ct));

        var load = Assert.Single(telemetry.Activities, a => Equals(a.GetTagItem("db.operation.name"), "LoadSessionWindow"));
        Assert.Equal(ActivityStatusCode.Error, load.Status);
        Assert.Equal(typeof(StorageException).FullName, load.GetTagItem("error.type"));
        var exception = Assert.Single(load.Events, e => e.Name == "exception");
        Assert.Contains(exception.Tags, t => t.Key == "exception.type" && Equals(t.Value, typeof(StorageException).FullName));
        Assert.Contains(telemetry.Measurements, m => m.Instrument == "db.client.operation.duration"
            && Equals(m.Tag("db.operation.name"), "LoadSessionWindow") && Equals(m.Tag("error.type"), typeof(StorageException).FullName));
    }

    [Fact]
    public async Task No_tag_holds_message_text_a_credential_or_the_user_id_by_default()
    {
        using var telemetry = new TelemetryRecorder();
        MemoryModel.Summaries(_ => "The user shared a secret.").Traits("""{"detected_tone":"secretive"}""");
        var memory = new Memory(Storage, new MemoryOptions { SessionId = "s-private", UserId = "user-secret-7", FullSessionMemory = true, SummaryMemory = true, UserAnalysisMemory = true },
            MemoryModel, NullLoggerFactory.Instance);
        AgentModel.EnqueueText("noted, hunter2-reply");
        await new Agent(AgentModel, memory, name: "tracer").DoAsync("my password is hunter2", Ct);

        Assert.NotEmpty(telemetry.Activities.Where(a => a.GetTagItem("db.system.name") is not null));
        var values = telemetry.AllTagValues().ToList();
        Assert.DoesNotContain(values, v => v.Contains("hunter2", StringComparison.Ordinal));
        Assert.DoesNotContain(values, v => v.Contains("secretive", StringComparison.Ordinal));
        Assert.DoesNotContain(values, v => v.Contains("user-secret-7", StringComparison.Ordinal));
        if (Secret is { Length: > 0 } secret)
        {
            Assert.DoesNotContain(values, v => v.Contains(secret, StringComparison.Ordinal));
        }
    }
}
