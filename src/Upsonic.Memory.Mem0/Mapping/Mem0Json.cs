using System.Text.Json;

namespace Upsonic.Storage.Mem0;

/// <summary>Reads a stored payload strictly: a duplicate key anywhere in it (a metadata map, a profile) is a <see cref="JsonException"/>
/// at read time, never an <see cref="ArgumentException"/> from whoever first enumerates the map.</summary>
internal static class Mem0Json
{
    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    /// <summary>The payload as <typeparamref name="T"/>.</summary>
    /// <exception cref="JsonException">The payload is not JSON, has a duplicate key, does not fit <typeparamref name="T"/>, or is null.</exception>
    public static T Read<T>(string json, JsonSerializerOptions options)
    {
        using var document = JsonDocument.Parse(json, Strict);
        return document.Deserialize<T>(options) ?? throw new JsonException("The payload is null.");
    }
}
