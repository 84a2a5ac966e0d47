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

    /// <summary>A stored Unix-milliseconds time as a UTC <see cref="DateTimeOffset"/>.</summary>
    public static DateTimeOffset FromUnixMilliseconds(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);
}
