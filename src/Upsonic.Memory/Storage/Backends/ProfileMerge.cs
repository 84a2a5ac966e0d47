using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Upsonic.Storage.Backends;

/// <summary>
/// The profile merge rules every backend applies: a trait with no information (null, empty or white-space string, empty list or
/// map) never erases a stored value; <see cref="UserMemoryMode.Update"/> sets the informative traits over the stored profile,
/// <see cref="UserMemoryMode.Replace"/> keeps only them.
/// </summary>
[Experimental(StorageBase.ExperimentalDiagnosticId)]
public static class ProfileMerge
{
    /// <summary>The traits that carry information, deep-copied.</summary>
    public static JsonObject Informative(JsonObject traits)
    {
        var result = new JsonObject();
        foreach (var (key, value) in traits)
        {
            if (HasInformation(value))
            {
                result[key] = value!.DeepClone();
            }
        }

        return result;
    }

    /// <summary>The profile after applying <paramref name="traits"/> to <paramref name="current"/> in <paramref name="mode"/> (a new object; the inputs are not changed).</summary>
    public static JsonObject Apply(JsonObject? current, JsonObject traits, UserMemoryMode mode)
    {
        var informative = Informative(traits);
        if (mode == UserMemoryMode.Replace)
        {
            return informative;
        }

        var result = (JsonObject?)current?.DeepClone() ?? [];
        foreach (var (key, value) in informative)
        {
            result[key] = value!.DeepClone();
        }

        return result;
    }

    /// <summary>Whether a trait value carries information (not null, not an empty or white-space string, not an empty list or map).</summary>
    public static bool HasInformation(JsonNode? value) => value switch
    {
        null => false,
        JsonArray array => array.Count > 0,
        JsonObject obj => obj.Count > 0,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => !string.IsNullOrWhiteSpace(v.GetValue<string>()),
        JsonValue v => v.GetValueKind() != JsonValueKind.Null,
        _ => true,
    };
}
