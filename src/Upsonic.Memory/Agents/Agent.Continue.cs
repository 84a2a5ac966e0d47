using Microsoft.Extensions.AI;
using Upsonic.Storage;

namespace Upsonic;

// Human in the loop: continuing a paused, errored or cancelled run, in this process or another one.
public sealed partial class Agent
{
    /// <summary>Continues a stored run, approving or rejecting every tool call it waits on.</summary>
    /// <param name="runId">The run's id (<see cref="AgentTask.RunId"/> of the paused task).</param>
    /// <param name="approve">Whether every pending tool call may run.</param>
    /// <param name="ct">Cancels the continuation; it is then stored as <see cref="RunStatus.Cancelled"/>.</param>
    /// <returns>The final text, or <see langword="null"/> when the run paused again.</returns>
    /// <remarks>
    /// The run is loaded from storage (<see cref="Memory.LoadResumableRunAsync"/>), so the process that paused it need not be
    /// alive. The continuation is saved under the same run id: only its new messages are appended and its usage is counted once.
    /// Errored and cancelled runs are re-sent to the model from their last stored message.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="runId"/> is null, empty or whitespace.</exception>
    /// <exception cref="InvalidOperationException">The agent has no memory, no resumable run has that id, or the run belongs to
    /// another session than the memory's.</exception>
    public Task<string?> ContinueRunAsync(string runId, bool approve = true, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        var task = new AgentTask(runId, resumed: true);
        return AgentTelemetry.InvokeAsync(this, task, () => ContinueCoreAsync(task, call => new ToolApproval(call.CallId, approve), ct));
    }

    /// <summary>Continues a stored run with a decision for each tool call it waits on.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="approvals">One decision per pending call (<see cref="AgentTask.PendingToolCalls"/>).</param>
    /// <param name="ct">Cancels the continuation.</param>
    /// <returns>The final text, or <see langword="null"/> when the run paused again.</returns>
    /// <exception cref="ArgumentException"><paramref name="runId"/> is empty, or <paramref name="approvals"/> misses a pending
    /// call or names a call the run does not wait on.</exception>
    /// <exception cref="InvalidOperationException">The agent has no memory, or no resumable run has that id in its session.</exception>
    public Task<string?> ContinueRunAsync(string runId, IEnumerable<ToolApproval> approvals, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentNullException.ThrowIfNull(approvals);
        var byCall = new Dictionary<string, ToolApproval>(StringComparer.Ordinal);
        foreach (var approval in approvals)
        {
            ArgumentNullException.ThrowIfNull(approval, nameof(approvals));
            byCall[approval.CallId] = approval;
        }

        var task = new AgentTask(runId, resumed: true);
        return AgentTelemetry.InvokeAsync(this, task, () => ContinueCoreAsync(task, call => byCall.GetValueOrDefault(call.CallId), ct, byCall));
    }

    /// <summary>Continues the run of a paused <paramref name="task"/> and fills the task with the outcome.</summary>
    /// <param name="task">A task whose <see cref="AgentTask.RunId"/> names a stored resumable run.</param>
    /// <param name="approve">Whether every pending tool call may run.</param>
    /// <param name="ct">Cancels the continuation.</param>
    /// <returns>The final text, or <see langword="null"/> when the run paused again.</returns>
    /// <exception cref="ArgumentException">The task has no run id.</exception>
    public Task<string?> ContinueRunAsync(AgentTask task, bool approve = true, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentException.ThrowIfNullOrWhiteSpace(task.RunId, nameof(task));
        return AgentTelemetry.InvokeAsync(this, task, () => ContinueCoreAsync(task, call => new ToolApproval(call.CallId, approve), ct));
    }

    /// <summary>Synchronous twin of <see cref="ContinueRunAsync(string, bool, CancellationToken)"/>.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="approve">Whether every pending tool call may run.</param>
    /// <returns>The final text, or <see langword="null"/> when the run paused again.</returns>
    public string? ContinueRun(string runId, bool approve = true) => Task.Run(() => ContinueRunAsync(runId, approve)).GetAwaiter().GetResult();

    /// <summary>Synchronous twin of <see cref="ContinueRunAsync(string, IEnumerable{ToolApproval}, CancellationToken)"/>.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="approvals">One decision per pending call.</param>
    /// <returns>The final text, or <see langword="null"/> when the run paused again.</returns>
    public string? ContinueRun(string runId, IEnumerable<ToolApproval> approvals) =>
        Task.Run(() => ContinueRunAsync(runId, approvals)).GetAwaiter().GetResult();

    private async Task<string?> ContinueCoreAsync(AgentTask task, Func<FunctionCallContent, ToolApproval?> decide, CancellationToken ct,
        IReadOnlyDictionary<string, ToolApproval>? given = null)
    {
        var runId = task.RunId!;
        if (Memory is null)
        {
            throw new InvalidOperationException("Continuing a run needs the run's checkpoint: create the Agent with a Memory over the storage the run was saved in.");
        }

        var record = await Memory.LoadResumableRunAsync(runId, AgentId, ct).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"No paused, errored or cancelled run '{runId}' was found in session '{Memory.SessionId}' or among this agent's runs.");
        if (record.SessionId is not null && !string.Equals(record.SessionId, Memory.SessionId, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"Run '{runId}' belongs to session '{record.SessionId}', but this agent's memory uses session '{Memory.SessionId}'. Create the Memory with sessionId: \"{record.SessionId}\" to continue it.");
        }

        var stored = record.Messages.ToList();
        var pending = ToolCallCheckpoint.PendingCalls(stored);
        var decisions = new Dictionary<string, ToolApproval>(StringComparer.Ordinal);
        foreach (var call in pending)
        {
            decisions[call.CallId] = decide(call)
                ?? throw new ArgumentException($"Tool call '{call.CallId}' ({call.Name}) waits for a decision; pass a ToolApproval for it.", "approvals");
        }

        var unknown = given?.Keys.Where(id => !decisions.ContainsKey(id)).ToList();
        if (unknown is { Count: > 0 })
        {
            throw new ArgumentException($"Run '{runId}' does not wait on tool call(s) {string.Join(", ", unknown.Select(id => $"'{id}'"))}.", "approvals");
        }

        task.RunId = runId;
        ResetOutcome(task);
        var context = await PrepareAsync(ct).ConfigureAwait(false);

        // The checkpoint is part of the loaded history (incomplete runs are stored in it); it is sent once, as this run.
        var history = ToolCallCheckpoint.WithoutRun(context.MessageHistory, stored);
        var toSend = decisions.Count > 0 ? ToolCallCheckpoint.WithApprovals(stored, decisions) : stored;
        var run = new RunProgress(runId, record.Input, stored, record.Usage, Stored: true);
        return await RunAsync(task, context, history, run, toSend, ct).ConfigureAwait(false);
    }
}
