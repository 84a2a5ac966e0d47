namespace Upsonic.Storage;

/// <summary>The bounds on what summary and profile work send to the model, checked once at construction.</summary>
internal sealed record MemoryLimits(
    int SummaryMaxRuns,
    int SummaryMaxCharacters,
    int SummaryMaxMessageCharacters,
    int SummaryMaxTurnCharacters,
    int ProfileMaxCharacters,
    int ProfileMaxInputCharacters)
{
    public static MemoryLimits From(MemoryOptions options)
    {
        Positive(options.SummaryMaxRuns, nameof(options.SummaryMaxRuns));
        Positive(options.SummaryMaxCharacters, nameof(options.SummaryMaxCharacters));
        Positive(options.SummaryMaxMessageCharacters, nameof(options.SummaryMaxMessageCharacters));
        Positive(options.SummaryMaxTurnCharacters, nameof(options.SummaryMaxTurnCharacters));
        Positive(options.ProfileMaxCharacters, nameof(options.ProfileMaxCharacters));
        Positive(options.ProfileMaxInputCharacters, nameof(options.ProfileMaxInputCharacters));
        return new(options.SummaryMaxRuns, options.SummaryMaxCharacters, options.SummaryMaxMessageCharacters,
            options.SummaryMaxTurnCharacters, options.ProfileMaxCharacters, options.ProfileMaxInputCharacters);
    }

    private static void Positive(int value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException("options", value, $"MemoryOptions.{name} must be greater than 0.");
        }
    }
}
