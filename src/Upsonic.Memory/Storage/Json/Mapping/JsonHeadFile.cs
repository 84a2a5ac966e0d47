using System.Text.Json.Serialization;

namespace Upsonic.Storage;

/// <summary>The head file: the head as of log entry <see cref="Entries"/> of log generation <see cref="Generation"/>.</summary>
internal sealed class JsonHeadFile
{
    [JsonPropertyName("generation")]
    public required string Generation { get; init; }

    [JsonPropertyName("entries")]
    public long Entries { get; init; }

    [JsonPropertyName("head")]
    public required AgentSession Head { get; init; }
}
