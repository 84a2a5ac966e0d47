using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Extensions.AI;

namespace Upsonic.Storage;

/// <summary>One line after the header: what one save wrote, and the head's counters, usage and agent data after it.</summary>
internal sealed class JsonLogEntry
{
    /// <summary>The entry's number in the log (1-based).</summary>
    [JsonPropertyName("n")]
    public long Number { get; init; }

    [JsonPropertyName("runs")]
    public List<JsonLogRun> Runs { get; init; } = [];

    [JsonPropertyName("messages")]
    public List<JsonLogMessage> Messages { get; init; } = [];

    [JsonPropertyName("runCount")]
    public long RunCount { get; init; }

    [JsonPropertyName("messageCount")]
    public long MessageCount { get; init; }

    [JsonPropertyName("usage")]
    public UsageDetails? Usage { get; init; }

    [JsonPropertyName("agentData")]
    public JsonObject? AgentData { get; init; }

    [JsonPropertyName("updatedAt")]
    public DateTimeOffset? UpdatedAt { get; init; }
}
