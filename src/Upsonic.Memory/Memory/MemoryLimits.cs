namespace Upsonic.Storage;

/// <summary>
/// The bounds on what summary and profile work send to the model, and the summary cadence, checked once at construction.
/// </summary>
internal sealed record MemoryLimits(
    int SummaryMaxRuns,
    int SummaryMaxCharacters,
    int SummaryMaxMessageCharacters,
    int SummaryMaxTurnCharacters,
    int ProfileMaxCharacters,
    int ProfileMaxInputCharacters,
    int SummaryEveryTurns,
    int? SummaryTokenThreshold)
{
    /// <summary>The bounds of valid options (checked by <see cref="MemoryOptionsRules"/> first).</summary>
    public static MemoryLimits From(MemoryOptions options) =>
        new(options.SummaryMaxRuns, options.SummaryMaxCharacters, options.SummaryMaxMessageCharacters,
            options.SummaryMaxTurnCharacters, options.ProfileMaxCharacters, options.ProfileMaxInputCharacters,
            options.SummaryEveryTurns, options.SummaryTokenThreshold);
}
