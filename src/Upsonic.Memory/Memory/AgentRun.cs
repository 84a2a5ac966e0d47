using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Upsonic.Storage;

/// <summary>One run of an agent, as handed to <see cref="Memory.SaveRunAsync"/>.</summary>
/// <remarks>
/// <see cref="Messages"/> holds every message the run has produced so far, starting with the user's input message, and never
/// the history the run was given. Saving the same run again (for example after a pause) stores only the messages not stored yet.
/// <see cref="Input"/> is the raw user input, without any injected memory context.
/// </remarks>
public sealed class AgentRun
{
    /// <summary>The run's id. Defaults to a new GUID string.</summary>
    public string RunId { get; set; } = Guid.NewGuid().ToString();

    /// <summary>The id of the agent that ran it.</summary>
    public string? AgentId { get; set; }

    /// <summary>The name of the agent that ran it.</summary>
    public string? AgentName { get; set; }

    /// <summary>The user the run was for; defaults to the memory's user id when saved.</summary>
    public string? UserId { get; set; }

    /// <summary>The run's state. Defaults to <see cref="RunStatus.Completed"/>.</summary>
    public RunStatus Status { get; set; } = RunStatus.Completed;

    /// <summary>The raw user input.</summary>
    public string? Input { get; set; }

    /// <summary>The messages the run produced, in order.</summary>
    public IList<ChatMessage> Messages { get; set; } = [];

    /// <summary>The final text output.</summary>
    public string? Output { get; set; }

    /// <summary>The run's cumulative token usage.</summary>
    public UsageDetails? Usage { get; set; }

    /// <summary>The error message of a failed run.</summary>
    public string? Error { get; set; }

    /// <summary>Why a paused run paused.</summary>
    public string? PauseReason { get; set; }

    /// <summary>Free-form data about the run (for example the tool calls a paused run waits on).</summary>
    public JsonObject? Metadata { get; set; }
}
