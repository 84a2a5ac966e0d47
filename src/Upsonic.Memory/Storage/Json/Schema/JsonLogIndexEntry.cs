namespace Upsonic.Storage;

/// <summary>Where one entry line of a session log is and which message and run sequences it holds (min > max when none), so a
/// page read parses only the lines that can hold its rows.</summary>
internal readonly record struct JsonLogIndexEntry(long Start, int Length, long MinMessage, long MaxMessage, long MinRun, long MaxRun)
{
    public static JsonLogIndexEntry Of(long start, int length, JsonLogEntry entry) => new(
        start,
        length,
        entry.Messages.Count == 0 ? long.MaxValue : entry.Messages.Min(m => m.Sequence),
        entry.Messages.Count == 0 ? long.MinValue : entry.Messages.Max(m => m.Sequence),
        entry.Runs.Count == 0 ? long.MaxValue : entry.Runs.Min(r => r.Run.Sequence),
        entry.Runs.Count == 0 ? long.MinValue : entry.Runs.Max(r => r.Run.Sequence));
}
