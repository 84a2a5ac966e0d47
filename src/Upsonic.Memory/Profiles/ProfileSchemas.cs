using System.Collections.Concurrent;
using System.ComponentModel;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace Upsonic.Storage;

/// <summary>The structured-output formats of profile analysis and the rules that check a reply against them.</summary>
/// <remarks>
/// Profile types are serialized with snake_case names (unless a property says otherwise with <c>[JsonPropertyName]</c>),
/// nullable annotations respected, so non-nullable and <c>required</c> members are required in the schema and in a reply.
/// </remarks>
internal static partial class ProfileSchemas
{
    private static readonly ConcurrentDictionary<Type, ChatResponseFormat> Formats = new();

    public static JsonSerializerOptions SerializerOptions { get; } = CreateOptions();

    public static ChatResponseFormat Static(Type schemaType) => Formats.GetOrAdd(schemaType, type =>
    {
        var description = type.GetCustomAttribute<DescriptionAttribute>()?.Description;
        var schema = AIJsonUtilities.CreateJsonSchema(type, description, serializerOptions: SerializerOptions);
        return ChatResponseFormat.ForJsonSchema(schema, type.Name, description ?? "The user's profile traits.");
    });

    /// <summary>Checks a reply against the schema type by deserializing it; returns the reply normalized to the type's fields, or null.</summary>
    public static JsonObject? Validate(JsonObject reply, Type schemaType, out string? error)
    {
        try
        {
            var value = reply.Deserialize(schemaType, SerializerOptions);
            error = value is null ? "the reply is null" : null;
            return value is null ? null : JsonSerializer.SerializeToNode(value, schemaType, SerializerOptions) as JsonObject;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            error = "the reply does not fit " + schemaType.Name + ": " + ex.Message;
            return null;
        }
    }

    /// <summary>The schema of the first dynamic step: 2 to 5 field definitions.</summary>
    public static ChatResponseFormat Proposal { get; } = ChatResponseFormat.ForJsonSchema(
        JsonSerializer.SerializeToElement(new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["fields"] = new JsonObject
                {
                    ["type"] = "array",
                    ["minItems"] = 2,
                    ["maxItems"] = 5,
                    ["items"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["properties"] = new JsonObject
                        {
                            ["name"] = new JsonObject { ["type"] = "string", ["description"] = "A snake_case field name." },
                            ["description"] = new JsonObject { ["type"] = "string", ["description"] = "What the field holds." },
                        },
                        ["required"] = new JsonArray("name", "description"),
                        ["additionalProperties"] = false,
                    },
                },
            },
            ["required"] = new JsonArray("fields"),
            ["additionalProperties"] = false,
        }),
        "ProfileFieldProposal",
        "Profile fields worth recording about the user.");

    /// <summary>The valid proposed fields (snake_case names, at most five, no duplicates).</summary>
    public static List<ProfileField> ReadProposal(JsonObject reply)
    {
        var fields = new List<ProfileField>();
        if (reply["fields"] is not JsonArray array)
        {
            return fields;
        }

        foreach (var item in array.OfType<JsonObject>())
        {
            var name = item["name"] is JsonValue n && n.GetValueKind() == JsonValueKind.String ? n.GetValue<string>().Trim() : null;
            var description = item["description"] is JsonValue d && d.GetValueKind() == JsonValueKind.String ? d.GetValue<string>().Trim() : "";
            if (name is not null && SnakeCase().IsMatch(name) && fields.All(f => f.Name != name) && fields.Count < 5)
            {
                fields.Add(new ProfileField(name, description));
            }
        }

        return fields;
    }

    /// <summary>The schema of the second dynamic step: one optional string per proposed field.</summary>
    public static ChatResponseFormat Runtime(IReadOnlyList<ProfileField> fields)
    {
        var properties = new JsonObject();
        foreach (var field in fields)
        {
            properties[field.Name] = new JsonObject { ["type"] = new JsonArray("string", "null"), ["description"] = field.Description };
        }

        var schema = new JsonObject { ["type"] = "object", ["properties"] = properties, ["additionalProperties"] = false };
        return ChatResponseFormat.ForJsonSchema(JsonSerializer.SerializeToElement(schema), "DynamicUserProfile", "The user's traits for the proposed fields.");
    }

    /// <summary>The proposed fields of a fill reply, as strings; other keys are ignored.</summary>
    public static JsonObject ReadRuntime(JsonObject reply, IReadOnlyList<ProfileField> fields)
    {
        var traits = new JsonObject();
        foreach (var field in fields)
        {
            if (reply[field.Name] is JsonValue value)
            {
                var text = value.GetValueKind() switch
                {
                    JsonValueKind.String => value.GetValue<string>(),
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.ToJsonString(),
                    _ => null,
                };
                if (!string.IsNullOrWhiteSpace(text))
                {
                    traits[field.Name] = text;
                }
            }
        }

        return traits;
    }

    [GeneratedRegex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$")]
    private static partial Regex SnakeCase();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
            PropertyNameCaseInsensitive = true,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly();
        return options;
    }
}

/// <summary>A profile field the model proposed in the dynamic flow.</summary>
internal sealed record ProfileField(string Name, string Description);
