using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Upsonic.Storage.Backends;

/// <summary>
/// The one JSON contract every backend stores: chat messages, usage and free-form maps, written with System.Text.Json on a
/// copy of <see cref="AIJsonUtilities.DefaultOptions"/> (compact), so text, function call/result, data, usage and reasoning
/// content round-trip exactly.
/// </summary>
/// <remarks>
/// Content types are resolved only through the Microsoft.Extensions.AI type discriminators registered in those options;
/// no type name read from storage is ever used to create an object.
/// </remarks>
[Experimental(StorageBase.ExperimentalDiagnosticId)]
public static class StorageJson
{
    /// <summary>The serializer options for everything stored.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(AIJsonUtilities.DefaultOptions) { WriteIndented = false };
        options.MakeReadOnly();
        return options;
    }

    /// <summary>A message as compact stored JSON.</summary>
    public static string SerializeMessage(ChatMessage message) => JsonSerializer.Serialize(message, Options);

    /// <summary>A message as a stored JSON element (for engines that keep JSON documents).</summary>
    public static JsonElement SerializeMessageToElement(ChatMessage message) => JsonSerializer.SerializeToElement(message, Options);

    /// <summary>Reads a stored message; an unreadable one is a <see cref="StorageException"/> that names it.</summary>
    public static ChatMessage DeserializeMessage(string json, string sessionId, long sequence)
    {
        try
        {
            return JsonSerializer.Deserialize<ChatMessage>(json, Options)
                ?? throw new JsonException("The stored message is JSON null.");
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or ArgumentException or FormatException)
        {
            throw CorruptMessage(sessionId, sequence, ex);
        }
    }

    /// <summary>The exception for a stored message that cannot be read, naming its session and sequence.</summary>
    public static StorageException CorruptMessage(string sessionId, long sequence, Exception inner) =>
        new($"Stored message {sequence} of session '{sessionId}' cannot be read: {inner.Message}", inner, "ReadMessage", sessionId);

    /// <summary>Deep-copies a message through its stored form, so callers never share mutable state with the storage.</summary>
    public static ChatMessage Clone(ChatMessage message) =>
        JsonSerializer.Deserialize<ChatMessage>(JsonSerializer.SerializeToUtf8Bytes(message, Options), Options)!;

    /// <summary>A free-form map as compact stored JSON (<see langword="null"/> stays null).</summary>
    public static string? SerializeObject(JsonObject? value) => value?.ToJsonString(Options);

    /// <summary>Reads a stored JSON object column; an unreadable one is a <see cref="StorageException"/> naming the record.</summary>
    public static JsonObject? DeserializeObject(string? json, string recordId, string field)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(json) switch
            {
                null => null,
                JsonObject obj => obj,
                _ => throw new JsonException($"Expected a JSON object in '{field}'."),
            };
        }
        catch (JsonException ex)
        {
            throw new StorageException($"Stored field '{field}' of record '{recordId}' cannot be read: {ex.Message}", ex, "Read", recordId);
        }
    }

    /// <summary>Usage as compact stored JSON (<see langword="null"/> stays null).</summary>
    public static string? SerializeUsage(UsageDetails? usage) => usage is null ? null : JsonSerializer.Serialize(usage, Options);

    /// <summary>Reads stored usage; unreadable usage is a <see cref="StorageException"/> naming the record.</summary>
    public static UsageDetails? DeserializeUsage(string? json, string recordId)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<UsageDetails>(json, Options);
        }
        catch (JsonException ex)
        {
            throw new StorageException($"Stored usage of record '{recordId}' cannot be read: {ex.Message}", ex, "Read", recordId);
        }
    }

    /// <summary>A deep copy of a free-form map (<see langword="null"/> stays null).</summary>
    public static JsonObject? Clone(JsonObject? value) => (JsonObject?)value?.DeepClone();
}
