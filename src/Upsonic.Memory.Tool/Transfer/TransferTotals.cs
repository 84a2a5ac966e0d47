namespace Upsonic.Memory.Tool.Transfer;

/// <summary>Counts of what an export, import or migrate moved.</summary>
internal sealed class TransferTotals
{
    public long Sessions { get; set; }

    public long Runs { get; set; }

    public long Messages { get; set; }

    public long UserMemories { get; set; }

    public long Knowledge { get; set; }

    /// <summary>Records the source could not read (each named in a warning), left out of the copy.</summary>
    public long Unreadable { get; set; }

    /// <summary>Runs plus messages: the rows a progress rate counts.</summary>
    public long Rows => Runs + Messages;

    /// <summary>A one-line description.</summary>
    public override string ToString() =>
        $"{Sessions} session(s), {Runs} run(s), {Messages} message(s), {UserMemories} profile(s), {Knowledge} knowledge row(s)"
        + (Unreadable > 0 ? $", {Unreadable} unreadable record(s) skipped" : "");
}
