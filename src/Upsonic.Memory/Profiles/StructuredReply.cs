using System.Text.Json;
using System.Text.Json.Nodes;

namespace Upsonic.Storage;

/// <summary>Reads a model's structured-output reply as a JSON object, tolerating Markdown code fences and surrounding prose.</summary>
internal static class StructuredReply
{
    public static JsonObject? ParseObject(string reply)
    {
        var text = reply.Trim();
        if (text.StartsWith("```", StringComparison.Ordinal))
        {
            var firstLine = text.IndexOf('\n');
            var closing = text.LastIndexOf("```", StringComparison.Ordinal);
            if (firstLine > 0 && closing > firstLine)
            {
                text = text[(firstLine + 1)..closing].Trim();
            }
        }

        var start = text.IndexOf('{');
        var end = text.LastIndexOf('}');
        if (start < 0 || end <= start)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text[start..(end + 1)]) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
