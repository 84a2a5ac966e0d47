using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Upsonic.Storage;

/// <summary>The <see cref="ActivitySource"/> and <see cref="Meter"/> named <c>Upsonic.Memory</c>, and the counters memory reports.</summary>
/// <remarks>
/// Activities: <c>memory.prepare</c>, <c>memory.save</c>, <c>memory.summary</c>, <c>memory.profile</c>. Counters (tagged with
/// <c>upsonic.memory.step</c> = summary/profile where it applies; never with ids, so cardinality stays small):
/// <c>upsonic.memory.turns_saved</c>, <c>upsonic.memory.messages_loaded</c>, <c>upsonic.memory.model_calls</c>,
/// <c>upsonic.memory.model_input_characters</c>, <c>upsonic.memory.model_input_tokens</c>, <c>upsonic.memory.model_failures</c>.
/// </remarks>
public static class MemoryTelemetry
{
    /// <summary>The name of the activity source and the meter.</summary>
    public const string Name = "Upsonic.Memory";

    /// <summary>The tag naming the memory step (summary or profile) on model counters.</summary>
    public const string StepTag = "upsonic.memory.step";

    /// <summary>Traces prepare, save, summary and profile work.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);

    /// <summary>The meter that owns the counters.</summary>
    public static Meter Meter { get; } = new(Name);

    internal static Counter<long> TurnsSaved { get; } = Meter.CreateCounter<long>("upsonic.memory.turns_saved", "{turn}", "Runs written by SaveRunAsync.");

    internal static Counter<long> MessagesLoaded { get; } = Meter.CreateCounter<long>("upsonic.memory.messages_loaded", "{message}", "History messages injected by PrepareAsync.");

    internal static Counter<long> ModelCalls { get; } = Meter.CreateCounter<long>("upsonic.memory.model_calls", "{call}", "Model calls made by summary and profile work.");

    internal static Counter<long> ModelInputCharacters { get; } = Meter.CreateCounter<long>("upsonic.memory.model_input_characters", "{character}", "Characters sent to the model by summary and profile work.");

    internal static Counter<long> ModelInputTokens { get; } = Meter.CreateCounter<long>("upsonic.memory.model_input_tokens", "{token}", "Input tokens reported by the model for summary and profile work.");

    internal static Counter<long> ModelFailures { get; } = Meter.CreateCounter<long>("upsonic.memory.model_failures", "{failure}", "Summary or profile model calls that failed or gave an unusable reply.");

    internal static KeyValuePair<string, object?> Step(string step) => new(StepTag, step);
}
