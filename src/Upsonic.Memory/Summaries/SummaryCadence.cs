namespace Upsonic.Storage;

/// <summary>
/// When a summary pass is due (<see cref="MemoryOptions.SummaryEveryTurns"/>, <see cref="MemoryOptions.SummaryTokenThreshold"/>),
/// and the limits that make it due earlier so that no waiting turn is ever dropped from the summary.
/// </summary>
internal static class SummaryCadence
{
    /// <summary>The token estimate of <see cref="MemoryOptions.SummaryTokenThreshold"/>: characters per token.</summary>
    public const int CharactersPerToken = 4;

    /// <summary>Whether the completed runs waiting after the watermark (oldest first) are due for a pass.</summary>
    public static bool IsDue(IReadOnlyList<RunRecord> waiting, MemoryLimits limits)
    {
        if (waiting.Count == 0)
        {
            return false;
        }

        // SummaryMaxRuns is the most a pass reads: waiting longer than that would drop the oldest turns.
        if (waiting.Count >= Math.Min(limits.SummaryEveryTurns, limits.SummaryMaxRuns))
        {
            return true;
        }

        if (limits.SummaryTokenThreshold is { } threshold
            && TurnTranscript.Length(waiting, limits.SummaryMaxMessageCharacters) / CharactersPerToken >= threshold)
        {
            return true;
        }

        // The waiting turns no longer fit one pass: summarize now (in several calls) rather than let the backlog grow.
        return TurnTranscript.FittingCount(waiting, limits.SummaryMaxMessageCharacters, limits.SummaryMaxTurnCharacters) < waiting.Count;
    }
}
