using System.Diagnostics.CodeAnalysis;

namespace Upsonic.Storage.Backends;

/// <summary>Storage time: UTC, truncated to whole milliseconds so every backend round-trips it exactly.</summary>
[Experimental(StorageBase.ExperimentalDiagnosticId)]
public static class StorageClock
{
    /// <summary>Now, in storage time.</summary>
    public static DateTimeOffset Now() => Truncate(DateTimeOffset.UtcNow);

    /// <summary>A time truncated to whole milliseconds.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset value) =>
        DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds());

    /// <summary>A time as Unix milliseconds (how SQL and key-value backends store it).</summary>
    public static long ToUnixMilliseconds(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    /// <summary>A stored Unix-milliseconds time as a UTC <see cref="DateTimeOffset"/>; one outside the range of dates is a <see cref="StorageException"/> naming the record, not a raw range error.</summary>
    /// <param name="value">Milliseconds since 1970-01-01 UTC.</param>
    /// <param name="recordId">The record the time belongs to, named in the error.</param>
    /// <exception cref="StorageException">The value is outside the range of dates (<see cref="StorageException.IsCorruptData"/>).</exception>
    public static DateTimeOffset FromUnixMilliseconds(long value, string? recordId = null) =>
        value is >= MinMilliseconds and <= MaxMilliseconds
            ? DateTimeOffset.FromUnixTimeMilliseconds(value)
            : throw StorageException.CorruptData(
                $"A stored timestamp of record '{recordId}' ({value} ms since 1970) is outside the range of dates.", null, "Read", recordId);

    private const long MinMilliseconds = -62_135_596_800_000;

    private const long MaxMilliseconds = 253_402_300_799_999;
}
