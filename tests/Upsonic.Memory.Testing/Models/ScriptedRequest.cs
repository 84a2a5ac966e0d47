using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Upsonic.Storage.Testing;

/// <summary>One request that <see cref="ScriptedChatClient"/> received, deep-copied when it arrived.</summary>
public sealed class ScriptedRequest
{
    internal ScriptedRequest(IEnumerable<ChatMessage> messages, ChatOptions? options, bool streaming, int index)
    {
        Messages = messages.Select(DeepCopy).ToList();
        Options = options?.Clone();
        Streaming = streaming;
        Index = index;
        PromptText = string.Join("\n", Messages.Select(m => m.Text));
        CharacterCount = (Instructions?.Length ?? 0) + Messages.Sum(CountCharacters);
    }

    /// <summary>The position of the request among all requests the client received (0-based).</summary>
    public int Index { get; }

    /// <summary>The messages sent, copied.</summary>
    public IReadOnlyList<ChatMessage> Messages { get; }

    /// <summary>The options sent, copied, or null.</summary>
    public ChatOptions? Options { get; }

    /// <summary>The request's <see cref="ChatOptions.Instructions"/>, or null.</summary>
    public string? Instructions => Options?.Instructions;

    /// <summary>The request's <see cref="ChatOptions.ResponseFormat"/>, or null.</summary>
    public ChatResponseFormat? ResponseFormat => Options?.ResponseFormat;

    /// <summary>Whether the request asks for JSON (any <see cref="ChatResponseFormatJson"/>).</summary>
    public bool WantsJson => ResponseFormat is ChatResponseFormatJson;

    /// <summary>The JSON schema the request asks for, or null.</summary>
    public JsonElement? Schema => (ResponseFormat as ChatResponseFormatJson)?.Schema;

    /// <summary>The schema name the request asks for, or null.</summary>
    public string? SchemaName => (ResponseFormat as ChatResponseFormatJson)?.SchemaName;

    /// <summary>Whether it came through <see cref="ScriptedChatClient.GetStreamingResponseAsync"/>.</summary>
    public bool Streaming { get; }

    /// <summary>The text of every message, joined by new lines.</summary>
    public string PromptText { get; }

    /// <summary>Characters sent: the instructions, message text, and the JSON of non-text contents (tool calls and results).</summary>
    public int CharacterCount { get; }

    /// <summary>Whether the instructions or any message text contains <paramref name="text"/> (ordinal).</summary>
    public bool Contains(string text) =>
        PromptText.Contains(text, StringComparison.Ordinal) || (Instructions?.Contains(text, StringComparison.Ordinal) ?? false);

    private static ChatMessage DeepCopy(ChatMessage message)
    {
        var json = JsonSerializer.Serialize(message, AIJsonUtilities.DefaultOptions);
        return JsonSerializer.Deserialize<ChatMessage>(json, AIJsonUtilities.DefaultOptions)!;
    }

    private static int CountCharacters(ChatMessage message) => message.Contents.Sum(c => c switch
    {
        TextContent t => t.Text?.Length ?? 0,
        _ => JsonSerializer.Serialize(c, AIJsonUtilities.DefaultOptions).Length,
    });
}
