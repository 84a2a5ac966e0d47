using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Extensions.AI;

namespace Upsonic.Storage;

// The file format of a JsonStorage session: <key>.log.jsonl (a header line, then one entry line per run save) and <key>.head.json.

/// <summary>The first line of a session log: the session's generation (a new one each time the session is replaced whole) and
/// its head as created, so a log is readable without its head file.</summary>
internal sealed class JsonLogHeader
{
    [JsonPropertyName("generation")]
    public required string Generation { get; init; }

    [JsonPropertyName("head")]
    public required AgentSession Head { get; init; }
}

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

/// <summary>A run record (without messages) and how many of its messages are stored.</summary>
internal sealed class JsonLogRun
{
    [JsonPropertyName("run")]
    public required RunRecord Run { get; init; }

    [JsonPropertyName("messageCount")]
    public int MessageCount { get; init; }
}

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
