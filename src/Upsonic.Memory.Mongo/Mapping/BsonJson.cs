using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MongoDB.Bson;

namespace Upsonic.Storage.Mongo;

/// <summary>
/// Maps free-form JSON (metadata, session data, agent data, profiles, usage) to native BSON and back, so these maps stay
/// queryable and can be merged key by key with <c>$set</c>.
/// </summary>
/// <remarks>
/// The mapping is our own, not MongoDB's extended JSON: a user map holding <c>{"$date": ...}</c> or <c>{"$oid": ...}</c> stays a
/// plain map. Keys are escaped with <see cref="FieldNames"/>. Integers become Int64 (Decimal128 beyond its range), other numbers
/// become Double; every JSON value reads back equal (<see cref="JsonNode.DeepEquals"/>).
/// </remarks>
internal static class BsonJson
{
    /// <summary>The BSON document that stores <paramref name="json"/>.</summary>
    public static BsonDocument ToDocument(JsonObject json)
    {
        var document = new BsonDocument();
        foreach (var (key, value) in json)
        {
            document.Add(FieldNames.Escape(key), ToBson(value));
        }

        return document;
    }

    /// <summary>The BSON value that stores <paramref name="json"/> (a JSON null is BSON null).</summary>
    public static BsonValue ToBson(JsonNode? json) => json switch
    {
        null => BsonNull.Value,
        JsonObject obj => ToDocument(obj),
        JsonArray array => new BsonArray(array.Select(ToBson)),
        JsonValue value => ToBson(value),
        _ => throw new ArgumentOutOfRangeException(nameof(json)),
    };

    private static BsonValue ToBson(JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                // A value built from a DateTimeOffset, Guid or enum has string kind but is not a string: take its JSON form.
                return new BsonString(value.TryGetValue<string>(out var text) ? text : JsonSerializer.Deserialize<string>(Json(value))!);
            case JsonValueKind.True:
                return BsonBoolean.True;
            case JsonValueKind.False:
                return BsonBoolean.False;
            case JsonValueKind.Null:
            case JsonValueKind.Undefined:
                return BsonNull.Value;
            case JsonValueKind.Number:
                return Number(Json(value));
            default:
                // A JsonValue never holds an object or array kind; map anything unexpected to its JSON text as data.
                return new BsonString(Json(value));
        }
    }

    private static string Json(JsonValue value) => value.ToJsonString(StorageJson.Options);

    /// <summary>The BSON number for a JSON number's text.</summary>
    internal static BsonValue Number(string text)
    {
        var isInteger = text.AsSpan().IndexOfAny(".eE") < 0;
        if (isInteger && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return new BsonInt64(integer);
        }

        if (isInteger && Decimal128.TryParse(text, out var big))
        {
            return new BsonDecimal128(big);
        }

        return new BsonDouble(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));
    }

    /// <summary>The JSON object stored in <paramref name="document"/>.</summary>
    public static JsonObject ToJsonObject(BsonDocument document)
    {
        var json = new JsonObject();
        foreach (var element in document)
        {
            json[FieldNames.Unescape(element.Name)] = ToJson(element.Value);
        }

        return json;
    }

    /// <summary>The JSON value stored in <paramref name="value"/>. Types our writes never produce map to their natural JSON form.</summary>
    public static JsonNode? ToJson(BsonValue value) => value.BsonType switch
    {
        BsonType.Null or BsonType.Undefined => null,
        BsonType.Document => ToJsonObject(value.AsBsonDocument),
        BsonType.Array => new JsonArray(value.AsBsonArray.Select(ToJson).ToArray()),
        BsonType.String => JsonValue.Create(value.AsString),
        BsonType.Boolean => JsonValue.Create(value.AsBoolean),
        BsonType.Int32 => Parsed(value.AsInt32),
        BsonType.Int64 => Parsed(value.AsInt64),
        BsonType.Double => Parsed(value.AsDouble),
        BsonType.Decimal128 => JsonNode.Parse(value.AsDecimal128.ToString()),
        BsonType.DateTime => JsonValue.Create(DateTimeOffset.FromUnixTimeMilliseconds(value.AsBsonDateTime.MillisecondsSinceEpoch)),
        BsonType.Binary => JsonValue.Create(Convert.ToBase64String(value.AsBsonBinaryData.Bytes)),
        _ => JsonValue.Create(value.ToString()),
    };

    /// <summary>
    /// A number as a value backed by JSON, as if parsed from text: such a value converts to any numeric type that holds it
    /// (<c>GetValue&lt;int&gt;()</c> on a stored 7 works), like the values other backends return.
    /// </summary>
    private static JsonValue Parsed<T>(T number) => JsonValue.Create(JsonSerializer.SerializeToElement(number))!;

    /// <summary>The JSON object in <paramref name="document"/>'s field <paramref name="field"/>, or null when it is missing or null.</summary>
    public static JsonObject? ObjectField(BsonDocument document, string field, string recordId)
    {
        if (!document.TryGetValue(field, out var value) || value.IsBsonNull)
        {
            return null;
        }

        if (!value.IsBsonDocument)
        {
            throw new StorageException($"Stored field '{field}' of record '{recordId}' is not a document.", null, "Read", recordId);
        }

        return ToJsonObject(value.AsBsonDocument);
    }
}
