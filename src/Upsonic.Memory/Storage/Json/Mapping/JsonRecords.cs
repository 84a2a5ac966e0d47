using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Upsonic.Storage;

/// <summary>
/// How <see cref="JsonStorage"/> writes records: the shared message and usage JSON of <see cref="StorageJson.Options"/>, enums
/// by name, and no messages or runs inside a session head or a run record (they live in the session log).
/// </summary>
internal static class JsonRecords
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary><see cref="Options"/> that reject a duplicate key, for records read whole from their own file (profiles): a
    /// duplicate key is unreadable data at once, never a later <see cref="ArgumentException"/> from whoever first enumerates the map.</summary>
    private static JsonSerializerOptions StrictOptions { get; } = CreateStrictOptions();

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    /// <summary>Reads a record; a UTF-8 byte order mark (left by an editor) is skipped.</summary>
    public static T Deserialize<T>(ReadOnlySpan<byte> json, string file) =>
        JsonSerializer.Deserialize<T>(json.StartsWith("\uFEFF"u8) ? json[3..] : json, Options) ?? throw new JsonException($"'{file}' holds null.");

    /// <summary>Reads a record like <see cref="Deserialize{T}"/>, rejecting a duplicate key anywhere in it.</summary>
    public static T DeserializeStrict<T>(ReadOnlySpan<byte> json, string file) =>
        JsonSerializer.Deserialize<T>(json.StartsWith("\uFEFF"u8) ? json[3..] : json, StrictOptions) ?? throw new JsonException($"'{file}' holds null.");

    /// <summary>The user id of a profile file that cannot be read as a record, when its text still names one (read leniently).</summary>
    public static string? UserIdOf(ReadOnlySpan<byte> json) => IdOf(json, nameof(UserMemory.UserId));

    /// <summary>The string property <paramref name="name"/> (any case, underscores ignored) of a record file that cannot be
    /// read as a record, when its text is still a JSON object holding it (read leniently).</summary>
    public static string? IdOf(ReadOnlySpan<byte> json, string name)
    {
        try
        {
            var reader = new Utf8JsonReader(json.StartsWith("\uFEFF"u8) ? json[3..] : json);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (property.Value.ValueKind == JsonValueKind.String
                        && property.Name.Replace("_", "", StringComparison.Ordinal).Equals(name, StringComparison.OrdinalIgnoreCase))
                    {
                        return property.Value.GetString();
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not even JSON: the caller names the file instead.
        }

        return null;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(StorageJson.Options)
        {
            // Records and this file format by reflection (without nested messages and runs); messages, contents and usage
            // exactly as every backend stores them.
            TypeInfoResolver = JsonTypeInfoResolver.Combine(new RecordResolver(), StorageJson.Options.TypeInfoResolver),
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly();
        return options;
    }

    private static JsonSerializerOptions CreateStrictOptions()
    {
        var options = new JsonSerializerOptions(Options) { AllowDuplicateProperties = false };
        options.MakeReadOnly();
        return options;
    }

    /// <summary>Resolves the record types and this format's own types; everything else falls through to the shared options.</summary>
    private sealed class RecordResolver : IJsonTypeInfoResolver
    {
        private static readonly HashSet<Type> Nested = [typeof(AgentSession), typeof(RunRecord)];

        private static readonly HashSet<Type> Own =
        [
            typeof(AgentSession), typeof(RunRecord), typeof(UserMemory), typeof(KnowledgeRow),
            typeof(JsonLogHeader), typeof(JsonLogEntry), typeof(JsonLogRun), typeof(JsonLogMessage), typeof(JsonHeadFile),
            typeof(List<JsonLogRun>), typeof(List<JsonLogMessage>),
        ];

        private readonly DefaultJsonTypeInfoResolver _reflection = new() { Modifiers = { LeaveOutNested } };

        public JsonTypeInfo? GetTypeInfo(Type type, JsonSerializerOptions options) =>
            Own.Contains(type) ? _reflection.GetTypeInfo(type, options) : null;

        private static void LeaveOutNested(JsonTypeInfo info)
        {
            if (!Nested.Contains(info.Type))
            {
                return;
            }

            for (var i = info.Properties.Count - 1; i >= 0; i--)
            {
                if (info.Properties[i].Name is "messages" or "Messages" or "runs" or "Runs" or "isResumable" or "IsResumable")
                {
                    info.Properties.RemoveAt(i);
                }
            }
        }
    }
}
