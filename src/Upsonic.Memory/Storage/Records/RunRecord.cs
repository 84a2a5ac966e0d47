using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Upsonic.Storage;

/// <summary>The stored record of one agent run within a session.</summary>
/// <remarks>
/// A record holds data only: no code, delegates or type names are ever stored or restored from it.
/// <see cref="Messages"/> holds only the messages this run produced (never the history it was given).
/// </remarks>
public sealed class RunRecord
{
    /// <summary>The run's id, unique within its session. Required.</summary>
    public required string RunId { get; set; }

    /// <summary>The session the run belongs to.</summary>
    public string? SessionId { get; set; }

    /// <summary>The run's position in its session (1 for the first run). Assigned by the storage when the run is first saved.</summary>
    public long Sequence { get; set; }

    /// <summary>The id of the agent that ran it.</summary>
    public string? AgentId { get; set; }

    /// <summary>The name of the agent that ran it.</summary>
    public string? AgentName { get; set; }

    /// <summary>The user the run was for.</summary>
    public string? UserId { get; set; }

    /// <summary>The run's state.</summary>
    public RunStatus Status { get; set; } = RunStatus.Running;

    /// <summary>Why a paused run paused (<c>"confirmation"</c>, <c>"external_tool"</c>, <c>"user_input"</c>), or <see langword="null"/>.</summary>
    public string? PauseReason { get; set; }

    /// <summary>The error message of a failed run, or <see langword="null"/>.</summary>
    public string? Error { get; set; }

    /// <summary>The raw user input of the run, without any injected memory context.</summary>
    public string? Input { get; set; }

    /// <summary>The run's final text output, or <see langword="null"/>.</summary>
    public string? Output { get; set; }

    /// <summary>The run's token usage (cumulative for the run), or <see langword="null"/>.</summary>
    public UsageDetails? Usage { get; set; }

    /// <summary>Free-form data about the run (for example the tool calls a paused run waits on).</summary>
    public JsonObject? Metadata { get; set; }

    /// <summary>The messages this run produced, in order.</summary>
    public List<ChatMessage> Messages { get; set; } = [];

    /// <summary>When the run was first saved (UTC).</summary>
    public DateTimeOffset? CreatedAt { get; set; }

    /// <summary>When the run was last saved (UTC).</summary>
    public DateTimeOffset? UpdatedAt { get; set; }

    /// <summary>Whether the run can be resumed: <see cref="RunStatus.Paused"/>, <see cref="RunStatus.Error"/> or <see cref="RunStatus.Cancelled"/>.</summary>
    public bool IsResumable => Status is RunStatus.Paused or RunStatus.Error or RunStatus.Cancelled;
}
