using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Upsonic.Benchmarks.Baselines;

/// <summary>
/// Upstream's storage pattern (UPSTREAM.md 2.6 and 7): the whole session is one document holding every message, and a save
/// reads it, deserializes it, appends the turn, serializes it and writes it back. The JSON is the same Microsoft.Extensions.AI
/// message JSON the library stores per row, so both sides pay the same serializer.
/// </summary>
public static class SessionDocument
{
    /// <summary>The serialized session of <paramref name="turns"/> turns.</summary>
    public static string Create(int turns) =>
        Serialize(Enumerable.Range(1, turns).SelectMany(t => Fixtures.Conversation.Messages(t)).ToList());

    /// <summary>Deserializes <paramref name="document"/>.</summary>
    public static List<ChatMessage> Read(string document) =>
        JsonSerializer.Deserialize<List<ChatMessage>>(document, AIJsonUtilities.DefaultOptions)
            ?? throw new InvalidOperationException("The session document is empty.");

    /// <summary>Deserializes <paramref name="document"/>, appends <paramref name="newMessages"/> and serializes the result.</summary>
    public static string Append(string document, IEnumerable<ChatMessage> newMessages)
    {
        var messages = Read(document);
        messages.AddRange(newMessages);
        return Serialize(messages);
    }

    private static string Serialize(List<ChatMessage> messages) => JsonSerializer.Serialize(messages, AIJsonUtilities.DefaultOptions);
}
