using System.Diagnostics.CodeAnalysis;

namespace Upsonic.Storage.Backends;

/// <summary>Storage time: UTC from a <see cref="System.TimeProvider"/>, truncated to whole milliseconds so every backend round-trips it exactly.</summary>
/// <remarks>A storage's clock is <see cref="StorageBase.StorageClock"/> (the time provider given to its constructor, the system
/// clock by default), so tests of retention move time with a fake provider instead of waiting. The static members convert times
/// and need no clock.</remarks>
[Experimental(StorageBase.ExperimentalDiagnosticId)]
public sealed class StorageClock
{
    /// <summary>Creates a clock over <paramref name="timeProvider"/>.</summary>
    /// <param name="timeProvider">Where the time comes from; <see cref="TimeProvider.System"/> when null.</param>
    public StorageClock(TimeProvider? timeProvider = null)
    {
        TimeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>A clock over the system time, for code outside a storage instance (for example a schema-version row).</summary>
    public static StorageClock System { get; } = new();

    /// <summary>Where the time comes from.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Now, in storage time.</summary>
    public DateTimeOffset Now() => Truncate(TimeProvider.GetUtcNow());

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
