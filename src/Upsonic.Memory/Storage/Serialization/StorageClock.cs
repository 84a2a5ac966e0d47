namespace Upsonic.Storage.Serialization;

/// <summary>Storage time: UTC, truncated to whole milliseconds so every backend round-trips it exactly.</summary>
internal static class StorageClock
{
    public static DateTimeOffset Now() => Truncate(DateTimeOffset.UtcNow);

    public static DateTimeOffset Truncate(DateTimeOffset value) =>
        DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds());

    public static long ToUnixMilliseconds(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    /// <summary>A stored timestamp; one outside the range of dates is a <see cref="StorageException"/> naming the record, not a raw range error.</summary>
    public static DateTimeOffset FromUnixMilliseconds(long value, string? recordId = null) =>
        value is >= MinMilliseconds and <= MaxMilliseconds
            ? DateTimeOffset.FromUnixTimeMilliseconds(value)
            : throw StorageException.CorruptData(
                $"A stored timestamp of record '{recordId}' ({value} ms since 1970) is outside the range of dates.", null, "Read", recordId);

    private const long MinMilliseconds = -62_135_596_800_000;

    private const long MaxMilliseconds = 253_402_300_799_999;
}
