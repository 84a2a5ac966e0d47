using System.Text.Json.Serialization;

namespace Upsonic.Storage;

/// <summary>The first line of a session log: the session's generation (a new one each time the session is replaced whole) and
/// its head as created, so a log is readable without its head file.</summary>
internal sealed class JsonLogHeader
{
    [JsonPropertyName("generation")]
    public required string Generation { get; init; }

    [JsonPropertyName("head")]
    public required AgentSession Head { get; init; }
}
