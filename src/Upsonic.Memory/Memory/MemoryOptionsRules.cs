namespace Upsonic.Storage;

/// <summary>The rules a <see cref="MemoryOptions"/> must meet, in one place for the constructors and for start-up validation.</summary>
internal static class MemoryOptionsRules
{
    /// <summary>A broken rule: the setting's name, its value and what it must be.</summary>
    public readonly record struct Problem(string Setting, object? Value, string Rule);

    /// <summary>Every broken rule, in the order of the settings.</summary>
    public static IEnumerable<Problem> Problems(MemoryOptions options)
    {
        // Upstream stores debug_level only when debug is on (else 1), so an out-of-range level only matters, and only fails, with debug.
        if (options.Debug && options.DebugLevel is < 1 or > 3)
        {
            yield return new(nameof(options.DebugLevel), options.DebugLevel, "must be 1, 2 or 3 when Debug is on");
        }

        if (!Enum.IsDefined(options.UserMemoryMode))
        {
            yield return new(nameof(options.UserMemoryMode), options.UserMemoryMode, "must be Update or Replace");
        }

        if (options.HistoryTokenBudget is <= 0)
        {
            yield return new(nameof(options.HistoryTokenBudget), options.HistoryTokenBudget, "must be greater than 0 when set (leave it null for no token limit)");
        }

        foreach (var (setting, value) in new[]
        {
            (nameof(options.SummaryEveryTurns), options.SummaryEveryTurns),
            (nameof(options.SummaryTokenThreshold), options.SummaryTokenThreshold ?? 1),
            (nameof(options.SummaryMaxRuns), options.SummaryMaxRuns),
            (nameof(options.SummaryMaxCharacters), options.SummaryMaxCharacters),
            (nameof(options.SummaryMaxMessageCharacters), options.SummaryMaxMessageCharacters),
            (nameof(options.SummaryMaxTurnCharacters), options.SummaryMaxTurnCharacters),
            (nameof(options.ProfileMaxCharacters), options.ProfileMaxCharacters),
            (nameof(options.ProfileMaxInputCharacters), options.ProfileMaxInputCharacters),
            (nameof(options.BackgroundConcurrency), options.BackgroundConcurrency),
        })
        {
            if (value <= 0)
            {
                yield return new(setting, value, "must be greater than 0");
            }
        }
    }

    /// <summary>Throws for the first broken rule.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public static void ThrowIfInvalid(MemoryOptions options)
    {
        foreach (var problem in Problems(options))
        {
            throw new ArgumentOutOfRangeException(nameof(options), problem.Value, $"MemoryOptions.{problem.Setting} {problem.Rule}.");
        }
    }
}
