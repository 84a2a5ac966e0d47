using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Upsonic.Storage.Backends;

/// <summary>
/// Copies of messages read from storage, made without JSON: what an in-process store or a held window hands out, so a caller that
/// changes a message (its contents, a text, a property) never changes the stored one.
/// </summary>
/// <remarks>
/// Meant for messages that came out of <see cref="StorageJson.DeserializeMessage"/>: their free-form values are
/// <see cref="JsonElement"/> (immutable, shared) or <see cref="JsonNode"/> (cloned). The common contents (text, reasoning, tool
/// calls and results, and the plain content that carries unknown stored JSON) are copied field by field; any other content, or one
/// with annotations, goes through one JSON round trip of that content alone.
/// </remarks>
internal static class MessageCopy
{
    /// <summary>A copy of <paramref name="message"/> that shares nothing mutable with it.</summary>
    public static ChatMessage Of(ChatMessage message)
    {
        var contents = new List<AIContent>(message.Contents.Count);
        foreach (var content in message.Contents)
        {
            contents.Add(Of(content));
        }

        return new ChatMessage(message.Role, contents)
        {
            AuthorName = message.AuthorName,
            MessageId = message.MessageId,
            CreatedAt = message.CreatedAt,
            AdditionalProperties = Of(message.AdditionalProperties),
        };
    }

    /// <summary>
    /// The message as reading back <paramref name="storedJson"/> (its stored form) would give it: for a message of plain text and
    /// reasoning contents without free-form properties, where the two are the same, a copy made without JSON; otherwise the
    /// stored form read back.
    /// </summary>
    public static ChatMessage AsReadBack(ChatMessage message, string storedJson, string sessionId, long sequence) =>
        IsPlain(message) ? Of(message) : StorageJson.DeserializeMessage(storedJson, sessionId, sequence);

    // Free-form values change type through JSON (a string property is read back as a JsonElement), and other content types carry
    // values that may too, so only messages without them are copied.
    private static bool IsPlain(ChatMessage message)
    {
        if (message.AdditionalProperties is not null)
        {
            return false;
        }

        foreach (var content in message.Contents)
        {
            var type = content.GetType();
            if ((type != typeof(TextContent) && type != typeof(TextReasoningContent))
                || content.AdditionalProperties is not null || content.Annotations is not null)
            {
                return false;
            }
        }

        return true;
    }

    private static AIContent Of(AIContent content)
    {
        if (content.Annotations is { Count: > 0 })
        {
            return RoundTrip(content);
        }

        AIContent copy;
        var type = content.GetType();
        if (type == typeof(TextContent))
        {
            copy = new TextContent(((TextContent)content).Text);
        }
        else if (type == typeof(TextReasoningContent))
        {
            var reasoning = (TextReasoningContent)content;
            copy = new TextReasoningContent(reasoning.Text) { ProtectedData = reasoning.ProtectedData };
        }
        else if (type == typeof(FunctionCallContent))
        {
            var call = (FunctionCallContent)content;
            copy = new FunctionCallContent(call.CallId, call.Name, call.Arguments is null ? null : Of(call.Arguments))
            {
                InformationalOnly = call.InformationalOnly,
            };
        }
        else if (type == typeof(FunctionResultContent))
        {
            var result = (FunctionResultContent)content;
            copy = new FunctionResultContent(result.CallId, Value(result.Result));
        }
        else if (type == typeof(AIContent))
        {
            copy = new AIContent();
        }
        else
        {
            return RoundTrip(content);
        }

        copy.AdditionalProperties = Of(content.AdditionalProperties);
        return copy;
    }

    private static Dictionary<string, object?> Of(IDictionary<string, object?> values)
    {
        var copy = new Dictionary<string, object?>(values.Count, StringComparer.Ordinal);
        foreach (var (key, value) in values)
        {
            copy[key] = Value(value);
        }

        return copy;
    }

    private static AdditionalPropertiesDictionary? Of(AdditionalPropertiesDictionary? values)
    {
        if (values is null)
        {
            return null;
        }

        var copy = new AdditionalPropertiesDictionary();
        foreach (var (key, value) in values)
        {
            copy[key] = Value(value);
        }

        return copy;
    }

    private static object? Value(object? value) => value is JsonNode node ? node.DeepClone() : value;

    private static AIContent RoundTrip(AIContent content) =>
        JsonSerializer.Deserialize<AIContent>(JsonSerializer.Serialize(content, StorageJson.Options), StorageJson.Options)!;
}
