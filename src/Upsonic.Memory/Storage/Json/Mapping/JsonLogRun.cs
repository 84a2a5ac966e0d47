using System.Text.Json.Serialization;

namespace Upsonic.Storage;

/// <summary>A run record (without messages) and how many of its messages are stored.</summary>
internal sealed class JsonLogRun
{
    [JsonPropertyName("run")]
    public required RunRecord Run { get; init; }

    [JsonPropertyName("messageCount")]
    public int MessageCount { get; init; }
}
