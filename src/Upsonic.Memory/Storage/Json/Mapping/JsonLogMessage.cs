using System.Text.Json;
using System.Text.Json.Serialization;

namespace Upsonic.Storage;

/// <summary>A stored message: its sequence, turn, run and whether it is history; the message in the shared message JSON.</summary>
internal sealed class JsonLogMessage
{
    [JsonPropertyName("seq")]
    public long Sequence { get; init; }

    [JsonPropertyName("turn")]
    public long Turn { get; init; }

    [JsonPropertyName("runId")]
    public string? RunId { get; init; }

    [JsonPropertyName("inHistory")]
    public bool InHistory { get; init; }

    [JsonPropertyName("message")]
    public JsonElement Message { get; init; }
}
