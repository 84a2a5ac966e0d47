using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace Upsonic.Storage;

/// <summary>The <see cref="ActivitySource"/> and <see cref="Meter"/> named <c>Upsonic.Memory</c>, and the instruments memory reports.</summary>
/// <remarks>
/// <para>Spans (docs/observability.md lists every attribute): <c>invoke_agent {name}</c> for each agent run, <c>memory.turn</c>
/// for each call through the <c>UseMemory</c> middleware, their children <c>memory.prepare</c> and <c>memory.save</c> (the model
/// call between them is the model client's own span, when it is instrumented), <c>memory.summary</c> and <c>memory.profile</c>
/// under save, and one client span per storage operation (<c>{operation} {table}</c>, database conventions). The session id is
/// <c>gen_ai.conversation.id</c>; the user id is recorded only when <see cref="RecordUserId"/> is on.</para>
/// <para>Counters (tagged with <c>upsonic.memory.step</c> = summary/profile where it applies; never with ids, so cardinality
/// stays small): <c>upsonic.memory.turns_saved</c>, <c>upsonic.memory.messages_loaded</c>, <c>upsonic.memory.model_calls</c>,
/// <c>upsonic.memory.model_input_characters</c>, <c>upsonic.memory.model_input_tokens</c>, <c>upsonic.memory.model_failures</c>,
/// <c>upsonic.memory.unreadable_records</c> (tagged <c>db.operation.name</c>).
/// Histograms in seconds: <c>upsonic.memory.prepare.duration</c>, <c>upsonic.memory.save.duration</c>,
/// <c>upsonic.memory.summary.duration</c>, <c>upsonic.memory.profile.duration</c> and <c>db.client.operation.duration</c>
/// (tagged <c>db.system.name</c>, <c>db.operation.name</c>, <c>db.collection.name</c>); each gets <c>error.type</c> on failure.</para>
/// </remarks>
public static class MemoryTelemetry
{
    /// <summary>The name of the activity source and the meter.</summary>
    public const string Name = "Upsonic.Memory";

    /// <summary>The tag naming the memory step (summary or profile) on model counters.</summary>
    public const string StepTag = "upsonic.memory.step";

    private static readonly string? Version = typeof(MemoryTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    /// <summary>Traces agent runs, middleware turns, prepare, save, summary and profile work, and storage operations.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name, Version);

    /// <summary>The meter that owns the counters and histograms.</summary>
    public static Meter Meter { get; } = new(Name, Version);

    /// <summary>
    /// Whether agent, turn, prepare and save spans carry the user id as <c>upsonic.memory.user_id</c>. Off by default.
    /// </summary>
    /// <value><see langword="false"/> by default. Process-wide: set it once at startup.</value>
    /// <remarks><b>Security considerations:</b> a user id is personal data; turning this on sends it to wherever traces are
    /// exported. Session ids (<c>gen_ai.conversation.id</c>) are always recorded: do not build them from personal data if your
    /// traces must not hold any.</remarks>
    public static bool RecordUserId { get; set; }

    internal static Counter<long> TurnsSaved { get; } = Meter.CreateCounter<long>("upsonic.memory.turns_saved", "{turn}", "Runs written by SaveRunAsync.");

    internal static Counter<long> MessagesLoaded { get; } = Meter.CreateCounter<long>("upsonic.memory.messages_loaded", "{message}", "History messages injected by PrepareAsync.");

    internal static Counter<long> ModelCalls { get; } = Meter.CreateCounter<long>("upsonic.memory.model_calls", "{call}", "Model calls made by summary and profile work.");

    internal static Counter<long> ModelInputCharacters { get; } = Meter.CreateCounter<long>("upsonic.memory.model_input_characters", "{character}", "Characters sent to the model by summary and profile work.");

    internal static Counter<long> ModelInputTokens { get; } = Meter.CreateCounter<long>("upsonic.memory.model_input_tokens", "{token}", "Input tokens reported by the model for summary and profile work.");

    internal static Counter<long> ModelFailures { get; } = Meter.CreateCounter<long>("upsonic.memory.model_failures", "{failure}", "Summary or profile model calls that failed or gave an unusable reply.");

    internal static Counter<long> UnreadableRecords { get; } = Meter.CreateCounter<long>("upsonic.memory.unreadable_records", "{record}", "Stored records a storage listing or page left out because they cannot be read.");

    internal static Histogram<double> PrepareDuration { get; } = Duration("upsonic.memory.prepare.duration", "How long PrepareAsync took to load history, summary, profile and metadata.");

    internal static Histogram<double> SaveDuration { get; } = Duration("upsonic.memory.save.duration", "How long saving a run took, summary and profile work included unless it runs in the background.");

    internal static Histogram<double> SummaryDuration { get; } = Duration("upsonic.memory.summary.duration", "How long one summary update took (model call included).");

    internal static Histogram<double> ProfileDuration { get; } = Duration("upsonic.memory.profile.duration", "How long one user profile analysis took (model calls included).");

    internal static Histogram<double> StorageOperationDuration { get; } = Duration("db.client.operation.duration", "How long one storage operation took.");

    internal static KeyValuePair<string, object?> Step(string step) => new(StepTag, step);

    /// <summary>Starts the span and clock of a memory step, tagged with the session (and the user when <see cref="RecordUserId"/> is on).</summary>
    internal static TelemetryScope StartStep(string name, Histogram<double> duration, string sessionId, string? userId)
    {
        var scope = TelemetryScope.Start(name, ActivityKind.Internal, duration);
        TagConversation(scope.Activity, sessionId, userId);
        return scope;
    }

    /// <summary>Runs <paramref name="work"/> as one traced and timed memory step; a failure marks the span and the measurement.</summary>
    internal static async Task TraceStepAsync(string name, Histogram<double> duration, string sessionId, string? userId, Func<Task> work)
    {
        using var step = StartStep(name, duration, sessionId, userId);
        try
        {
            await work().ConfigureAwait(false);
        }
        catch (Exception ex) when (step.Fail(ex))
        {
            throw;
        }
    }

    /// <summary>Sets <c>gen_ai.conversation.id</c> and, when opted in, <c>upsonic.memory.user_id</c>.</summary>
    internal static void TagConversation(Activity? activity, string? sessionId, string? userId)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag(TelemetryNames.ConversationId, sessionId);
        if (RecordUserId && userId is not null)
        {
            activity.SetTag(TelemetryNames.UserId, userId);
        }
    }

    private static Histogram<double> Duration(string name, string description) =>
        Meter.CreateHistogram<double>(name, "s", description,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
}
