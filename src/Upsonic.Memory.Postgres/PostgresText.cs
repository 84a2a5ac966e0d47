using System.Text.Json;
using System.Text.Json.Nodes;

namespace Upsonic.Storage.Postgres;

/// <summary>
/// The lossless, reversible encoding that lets PostgreSQL <c>text</c> and <c>jsonb</c> hold strings containing U+0000 (NUL),
/// which PostgreSQL rejects in both types (jsonb rejects even the JSON escape <c>\u0000</c>).
/// </summary>
/// <remarks>
/// <para>Byte stuffing with the private-use character U+E000 as the escape: NUL is stored as U+E000 followed by <c>'0'</c>, and
/// U+E000 itself as U+E000 U+E000. Every other string, i.e. practically all data, is stored unchanged, so SQL filters, indexes
/// and jsonb operators see the real values. Applied to every text parameter and to every string (keys and values) of jsonb
/// documents; reads reverse it.</para>
/// <para>Message JSON is not encoded: it is stored in a <c>text</c> column as System.Text.Json writes it, and that JSON text
/// never contains a raw NUL (NUL inside strings is written as the escape <c>\u0000</c>, which text accepts).</para>
/// </remarks>
internal static class PostgresText
{
    private const char Escape = '\uE000';
    private const char EscapedNul = '0';

    public static string? Encode(string? value)
    {
        if (value is null || value.AsSpan().IndexOfAny('\0', Escape) < 0)
        {
            return value;
        }

        return string.Create(value.Length + Count(value), value, static (span, source) =>
        {
            var j = 0;
            foreach (var c in source)
            {
                if (c == '\0')
                {
                    span[j++] = Escape;
                    span[j++] = EscapedNul;
                }
                else if (c == Escape)
                {
                    span[j++] = Escape;
                    span[j++] = Escape;
                }
                else
                {
                    span[j++] = c;
                }
            }
        });
    }

    public static string? Decode(string? value)
    {
        if (value is null || !value.Contains(Escape, StringComparison.Ordinal))
        {
            return value;
        }

        var builder = new System.Text.StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == Escape && i + 1 < value.Length && value[i + 1] is EscapedNul or Escape)
            {
                builder.Append(value[++i] == EscapedNul ? '\0' : Escape);
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>JSON text for a jsonb parameter, with every string encoded; unchanged (no parsing) when nothing needs it.</summary>
    public static string? EncodeJson(string? json)
    {
        if (json is null || !NeedsEncoding(json))
        {
            return json;
        }

        return Transform(JsonNode.Parse(json), Encode)?.ToJsonString(StorageJson.Options) ?? "null";
    }

    /// <summary>JSON text read from a jsonb column, with every string decoded; unchanged when it holds no escape character.</summary>
    public static string? DecodeJson(string? json)
    {
        // jsonb output writes non-ASCII characters raw; the \ue000 form is checked too for JSON from other writers.
        if (json is null || !(json.Contains(Escape, StringComparison.Ordinal) || json.Contains("\\ue000", StringComparison.OrdinalIgnoreCase)))
        {
            return json;
        }

        try
        {
            return Transform(JsonNode.Parse(json), Decode)?.ToJsonString(StorageJson.Options) ?? "null";
        }
        catch (JsonException)
        {
            return json; // let the caller's deserializer report the unreadable value with the record's name
        }
    }

    public static string? EncodeObject(JsonObject? value) => EncodeJson(StorageJson.SerializeObject(value));

    private static bool NeedsEncoding(string json) =>
        json.Contains("\\u0000", StringComparison.Ordinal)
        || json.Contains(Escape, StringComparison.Ordinal)
        || json.Contains("\\ue000", StringComparison.OrdinalIgnoreCase);

    private static JsonNode? Transform(JsonNode? node, Func<string?, string?> map) => node switch
    {
        null => null,
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(map(p.Key)!, Transform(p.Value, map)))),
        JsonArray array => new JsonArray(array.Select(item => Transform(item, map)).ToArray()),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => JsonValue.Create(map(value.GetValue<string>())),
        _ => node.DeepClone(),
    };

    private static int Count(string value)
    {
        var count = 0;
        foreach (var c in value)
        {
            if (c is '\0' or Escape)
            {
                count++;
            }
        }

        return count;
    }
}
