using Microsoft.Extensions.AI;
using MongoDB.Bson;

namespace Upsonic.Storage.Mongo;

/// <summary>Reading and writing the scalar field types every document shares: strings, numbers, UTC timestamps and usage.</summary>
internal static class BsonFields
{
    /// <summary>A string or BSON null.</summary>
    public static BsonValue String(string? value) => value is null ? BsonNull.Value : new BsonString(value);

    /// <summary>A UTC timestamp with millisecond precision (BSON dates hold milliseconds since the epoch).</summary>
    public static BsonDateTime Time(DateTimeOffset value) => new(StorageClock.ToUnixMilliseconds(value));

    /// <summary>A timestamp or BSON null.</summary>
    public static BsonValue Time(DateTimeOffset? value) => value is { } v ? Time(v) : BsonNull.Value;

    /// <summary>The string in <paramref name="field"/>, or null when it is missing or null.</summary>
    public static string? GetString(BsonDocument document, string field) =>
        document.TryGetValue(field, out var value) && value.IsString ? value.AsString : null;

    /// <summary>The integer in <paramref name="field"/> (Int32, Int64 or Double), or <paramref name="fallback"/>.</summary>
    public static long GetLong(BsonDocument document, string field, long fallback = 0) =>
        document.TryGetValue(field, out var value) && value.IsNumeric ? value.ToInt64() : fallback;

    /// <summary>The nullable integer in <paramref name="field"/>.</summary>
    public static long? GetNullableLong(BsonDocument document, string field) =>
        document.TryGetValue(field, out var value) && value.IsNumeric ? value.ToInt64() : null;

    /// <summary>The boolean in <paramref name="field"/>, or false.</summary>
    public static bool GetBool(BsonDocument document, string field) =>
        document.TryGetValue(field, out var value) && value.IsBoolean && value.AsBoolean;

    /// <summary>The timestamp in <paramref name="field"/>, or null when it is missing or BSON null. A date outside the range of
    /// dates, or a value that is not a date, is corrupt data naming <paramref name="recordId"/>.</summary>
    public static DateTimeOffset? GetTime(BsonDocument document, string field, string recordId) =>
        !document.TryGetValue(field, out var value) || value.IsBsonNull
            ? null
            : value.IsBsonDateTime
                ? StorageClock.FromUnixMilliseconds(value.AsBsonDateTime.MillisecondsSinceEpoch, recordId)
                : throw StorageException.CorruptData($"Stored field '{field}' of record '{recordId}' is not a date.", null, "Read", recordId);

    /// <summary>The usage document that stores <paramref name="usage"/> (its Microsoft.Extensions.AI JSON form), or BSON null.</summary>
    public static BsonValue Usage(UsageDetails? usage) =>
        StorageJson.SerializeUsage(usage) is { } json ? BsonJson.ToBson(System.Text.Json.Nodes.JsonNode.Parse(json)) : BsonNull.Value;

    /// <summary>The usage stored in <paramref name="field"/>, or null.</summary>
    public static UsageDetails? GetUsage(BsonDocument document, string field, string recordId) =>
        BsonJson.ObjectField(document, field, recordId) is { } json ? StorageJson.DeserializeUsage(json.ToJsonString(), recordId) : null;
}
