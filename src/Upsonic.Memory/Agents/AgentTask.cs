using Microsoft.Extensions.AI;
using Upsonic.Storage;

namespace Upsonic;

/// <summary>A unit of work for an <see cref="Agent"/>: the prompt in, and the run's outcome out (upstream's <c>Task</c>).</summary>
/// <remarks>
/// An <see cref="Agent"/> fills <see cref="Response"/>, <see cref="RunId"/>, <see cref="Status"/> and, when the run pauses for a
/// person, <see cref="PendingToolCalls"/>. A task describes one run; reuse it only to read those results.
/// </remarks>
public sealed class AgentTask
{
    /// <summary>Creates a task.</summary>
    /// <param name="description">The prompt: what the agent is asked to do. It is stored as the run's raw input.</param>
    /// <exception cref="ArgumentException"><paramref name="description"/> is null, empty or whitespace.</exception>
    public AgentTask(string description)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        Description = description;
    }

    /// <summary>A task that stands for a stored run being continued, where the prompt is not known to the caller.</summary>
    internal AgentTask(string runId, bool resumed)
    {
        _ = resumed;
        Description = "";
        RunId = runId;
    }

    /// <summary>The prompt.</summary>
    public string Description { get; }

    /// <summary>The final text the model answered, or <see langword="null"/> when the run has not completed.</summary>
    public string? Response { get; set; }

    /// <summary>The id of the run that carried out the task (set when the run starts); use it to resume a paused run.</summary>
    public string? RunId { get; set; }

    /// <summary>The state of the run: <see cref="RunStatus.Running"/> until it completes, pauses, fails or is cancelled.</summary>
    public RunStatus Status { get; set; } = RunStatus.Running;

    /// <summary>Why a paused run paused (<c>"confirmation"</c> when tool calls wait for approval), or <see langword="null"/>.</summary>
    public string? PauseReason { get; set; }

    /// <summary>The tool calls a paused run waits on; empty otherwise.</summary>
    public IReadOnlyList<FunctionCallContent> PendingToolCalls { get; set; } = [];

    /// <summary>The run's token usage (cumulative across a pause and its continuation), when the model reported it.</summary>
    public UsageDetails? Usage { get; set; }
}
