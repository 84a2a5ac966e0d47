using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Upsonic.Storage;

/// <summary>The exact text of what memory injects: <c>&lt;SessionSummary&gt;</c>, <c>&lt;UserProfile&gt;</c>,
/// <c>&lt;AgentMetadata&gt;</c> and <c>&lt;SessionMetadata&gt;</c> blocks, formatted as the Python SDK formats them.</summary>
internal static class MemoryBlocks
{
    private static readonly JsonSerializerOptions StringOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Summary(string? summary) =>
        string.IsNullOrWhiteSpace(summary) ? "" : "<SessionSummary>\n" + summary + "\n</SessionSummary>";

    /// <summary>The profile block: one <c>- key: value</c> line per trait that carries information (UPSTREAM 4.7).</summary>
    public static string Profile(JsonObject? profile)
    {
        if (profile is null)
        {
            return "";
        }

        var lines = new List<string>();
        foreach (var (key, value) in profile)
        {
            var text = value switch
            {
                null => null,
                JsonArray array => array.Count == 0 ? null : string.Join(", ", array.Select(Plain)),
                JsonObject obj => obj.Count == 0 ? null : Json(obj),
                JsonValue v when v.GetValueKind() == JsonValueKind.String => string.IsNullOrWhiteSpace(v.GetValue<string>()) ? null : v.GetValue<string>(),
                JsonValue v when v.GetValueKind() == JsonValueKind.Null => null,
                _ => Plain(value),
            };
            if (text is not null)
            {
                lines.Add("- " + key + ": " + text);
            }
        }

        return lines.Count == 0 ? "" : "<UserProfile>\n" + string.Join("\n", lines) + "\n</UserProfile>";
    }

    /// <summary>The metadata blocks: the agent's first, then the session's, joined by a blank line; "" when both are empty.</summary>
    public static string Metadata(JsonObject? agentMetadata, JsonObject? sessionMetadata)
    {
        var agent = Block("AgentMetadata", agentMetadata);
        var session = Block("SessionMetadata", sessionMetadata);
        return agent.Length == 0 ? session : session.Length == 0 ? agent : agent + "\n\n" + session;
    }

    public static JsonObject? ToJson(IReadOnlyDictionary<string, object?>? values)
    {
        if (values is null || values.Count == 0)
        {
            return null;
        }

        var result = new JsonObject();
        foreach (var (key, value) in values)
        {
            result[key] = value as JsonNode ?? JsonSerializer.SerializeToNode(value, StorageJson.Options);
        }

        return result;
    }

    private static string Block(string tag, JsonObject? values)
    {
        if (values is null || values.Count == 0)
        {
            return "";
        }

        var lines = values.Select(p => "  " + p.Key + ": " + Plain(p.Value));
        return "<" + tag + ">\n" + string.Join("\n", lines) + "\n</" + tag + ">";
    }

    /// <summary>A value's string form: strings as they are, booleans as <c>True</c>/<c>False</c> and null as <c>None</c>
    /// (what the Python SDK prints), numbers as written, lists and maps as JSON.</summary>
    private static string Plain(JsonNode? value) => value switch
    {
        null => "None",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => "True",
            JsonValueKind.False => "False",
            JsonValueKind.Null => "None",
            _ => v.ToJsonString(),
        },
        _ => Json(value),
    };

    /// <summary>JSON with Python's default separators (<c>", "</c> and <c>": "</c>) and non-ASCII characters kept.</summary>
    private static string Json(JsonNode? value)
    {
        var builder = new StringBuilder();
        Write(builder, value);
        return builder.ToString();
    }

    private static void Write(StringBuilder builder, JsonNode? value)
    {
        switch (value)
        {
            case null:
                builder.Append("null");
                break;
            case JsonObject obj:
                builder.Append('{');
                var first = true;
                foreach (var (key, item) in obj)
                {
                    builder.Append(first ? "" : ", ").Append(JsonSerializer.Serialize(key, StringOptions)).Append(": ");
                    Write(builder, item);
                    first = false;
                }

                builder.Append('}');
                break;
            case JsonArray array:
                builder.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    builder.Append(i == 0 ? "" : ", ");
                    Write(builder, array[i]);
                }

                builder.Append(']');
                break;
            default:
                var kind = value.GetValueKind();
                builder.Append(kind == JsonValueKind.String
                    ? JsonSerializer.Serialize(value.GetValue<string>(), StringOptions)
                    : value.ToJsonString());
                break;
        }
    }

    internal static string Truncate(string text, int max) =>
        text.Length <= max ? text : text[..Math.Max(0, max - 1)] + "\u2026";
}
