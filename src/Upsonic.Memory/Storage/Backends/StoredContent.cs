using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;

namespace Upsonic.Storage.Backends;

/// <summary>
/// Which message contents the stored JSON contract can hold, and how content it does not know survives: a stored content item
/// whose <c>$type</c> this version does not know (written by a newer version or another SDK) is read as a plain
/// <see cref="AIContent"/> that carries the original JSON, and written back exactly as it was read.
/// </summary>
/// <remarks>
/// The original JSON is kept in <see cref="AIContent.AdditionalProperties"/> under <see cref="OriginalKey"/>. Its <c>$type</c> is
/// never used to create an object. Content of a .NET type outside the contract (a custom <see cref="AIContent"/> subclass) is
/// rejected before anything is written, by <see cref="IsStorable"/>.
/// </remarks>
internal static class StoredContent
{
    /// <summary>The additional-property key that holds an unknown content item's original JSON.</summary>
    public const string OriginalKey = "upsonic.stored_content";

    private const string Discriminator = "$type";

    private static readonly JsonPolymorphismOptions? Polymorphism = StorageJson.Options.GetTypeInfo(typeof(AIContent)).PolymorphismOptions;

    private static readonly FrozenSet<Type> KnownTypes = (Polymorphism?.DerivedTypes.Select(d => d.DerivedType) ?? []).Append(typeof(AIContent)).ToFrozenSet();

    private static readonly FrozenSet<string> KnownDiscriminators =
        (Polymorphism?.DerivedTypes.Select(d => d.TypeDiscriminator?.ToString()).OfType<string>() ?? []).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Whether content of this runtime type can be written with the contract.</summary>
    public static bool IsStorable(AIContent content) =>
        KnownTypes.Contains(content.GetType())
        || Polymorphism?.UnknownDerivedTypeHandling is not (null or System.Text.Json.Serialization.JsonUnknownDerivedTypeHandling.FailSerialization);

    /// <summary>Reads a stored message whose normal read failed, keeping content items with an unknown <c>$type</c> as data; null when that is not the cause.</summary>
    public static ChatMessage? TryReadWithUnknownContent(string json)
    {
        try
        {
            if (JsonNode.Parse(json) is not JsonObject message || message["contents"] is not JsonArray contents)
            {
                return null;
            }

            var replaced = false;
            for (var i = 0; i < contents.Count; i++)
            {
                if (contents[i] is JsonObject item && item[Discriminator] is JsonValue type && type.TryGetValue<string>(out var name)
                    && !KnownDiscriminators.Contains(name))
                {
                    contents[i] = new JsonObject { ["additionalProperties"] = new JsonObject { [OriginalKey] = item.DeepClone() } };
                    replaced = true;
                }
            }

            return replaced ? message.Deserialize<ChatMessage>(StorageJson.Options) : null;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or ArgumentException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Whether a message holds content read by <see cref="TryReadWithUnknownContent"/>, which must be written back as it was read.</summary>
    public static bool HasUnknownContent(ChatMessage message)
    {
        foreach (var content in message.Contents)
        {
            if (Original(content) is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The message's JSON with each unknown content item restored to its original JSON.</summary>
    public static JsonObject WriteWithUnknownContent(ChatMessage message)
    {
        var node = JsonSerializer.SerializeToNode(message, StorageJson.Options)!.AsObject();
        if (node["contents"] is JsonArray contents)
        {
            for (var i = 0; i < contents.Count && i < message.Contents.Count; i++)
            {
                if (Original(message.Contents[i]) is { } original)
                {
                    contents[i] = original;
                }
            }
        }

        return node;
    }

    private static JsonNode? Original(AIContent content) =>
        content.GetType() == typeof(AIContent) && content.AdditionalProperties is { } properties && properties.TryGetValue(OriginalKey, out var value)
            ? value switch
            {
                JsonElement element when element.ValueKind == JsonValueKind.Object => JsonNode.Parse(element.GetRawText()),
                JsonObject obj => obj.DeepClone(),
                _ => null,
            }
            : null;
}
