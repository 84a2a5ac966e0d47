using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Upsonic.Storage;

// The per-turn hot path: window reads, run appends, run reads, summary and metadata updates.
public sealed partial class InMemoryStorage
{
    /// <inheritdoc />
    protected override Task<SessionWindow?> LoadSessionWindowCoreAsync(string sessionId, int? historyTurns, CancellationToken cancellationToken) =>
        LoadSessionWindowCoreAsync(new SessionWindowRequest { SessionId = sessionId, HistoryTurns = historyTurns }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// Reads only the window's own turns (newest first, up to the count and the budget), or with a matching mark only the messages
    /// stored after it; the messages are copies made without JSON.
    /// </remarks>
    protected override Task<SessionWindow?> LoadSessionWindowCoreAsync(SessionWindowRequest request, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!TryGetLive(request.SessionId, out var state))
            {
                return Task.FromResult<SessionWindow?>(null);
            }

            long? since = request.Since is { } mark && mark.Epoch == state.Epoch && mark.MessageSequence <= state.MessageCount ? mark.MessageSequence : null;
            var turns = state.Window(since, request.HistoryTurns, request.HistoryTokenBudget);
            return Task.FromResult<SessionWindow?>(new SessionWindow(SessionRows.CopyHead(state.Head), turns)
            {
                Mark = new SessionWindowMark(state.Epoch, state.MessageCount),
                IsIncremental = since is not null,
            });
        }
    }

    /// <inheritdoc />
    protected override Task<RunAppendResult> AppendRunCoreAsync(RunAppend append, CancellationToken cancellationToken)
    {
        // Serialized (for the token estimate) and read back outside the lock: what is kept is what a database would return.
        var messages = append.Run.Messages;
        var serialized = new string[messages.Count];
        var stored = new ChatMessage[messages.Count];
        for (var i = 0; i < stored.Length; i++)
        {
            serialized[i] = StorageJson.SerializeMessage(messages[i]);
            stored[i] = MessageCopy.AsReadBack(messages[i], serialized[i], append.SessionId, 0);
        }

        lock (_gate)
        {
            var state = _sessions.GetValueOrDefault(append.SessionId);
            var previous = state?.Runs.GetValueOrDefault(append.Run.RunId);
            var plan = RunAppendPlan.Create(
                append,
                state is null ? null : new SessionCounters(state.RunCount, state.MessageCount, state.Head.Usage, state.Head.AgentData),
                previous is null ? null : new PreviousRunSave(previous.Record.Sequence, previous.MessageCount, previous.Record.Usage, previous.Record.CreatedAt),
                StorageClock.Now());
            if (state is null)
            {
                state = new InMemorySession { Head = plan.NewSessionHead() };
                _sessions[append.SessionId] = state;
            }

            for (var i = 0; i < plan.NewMessageCount; i++)
            {
                var k = plan.FirstNewMessage + i;
                state.Add(new InMemorySession.StoredMessage(
                    plan.FirstMessageSequence + i, plan.Sequence, plan.Run.RunId, append.AddToHistory, stored[k], null, MessageTokens.Estimate(serialized[k])));
            }

            state.Put(new InMemorySession.StoredRun(plan.Run, plan.RunMessageCount));
            state.RunCount = plan.RunCount;
            state.Head.Usage = plan.SessionUsage;
            state.Head.AgentData = plan.AgentData;
            state.Head.UpdatedAt = plan.Now;
            return Task.FromResult(plan.Result);
        }
    }

    /// <inheritdoc />
    protected override Task<RunRecord?> GetRunCoreAsync(string sessionId, string runId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(
                TryGetLive(sessionId, out var state) && state.Runs.TryGetValue(runId, out var run) ? state.ReadCheckedRun(run) : null);
        }
    }

    /// <inheritdoc />
    protected override Task<RunRecord?> FindRunCoreAsync(string runId, string? agentId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            foreach (var state in _sessions.Values.Where(s => !IsExpired(s.Head.UpdatedAt)).OrderBy(s => s.Head.SessionId, StringComparer.Ordinal))
            {
                if (state.Runs.TryGetValue(runId, out var run) && (agentId is null || run.Record.AgentId == agentId))
                {
                    return Task.FromResult<RunRecord?>(state.ReadCheckedRun(run));
                }
            }

            return Task.FromResult<RunRecord?>(null);
        }
    }

    /// <inheritdoc />
    protected override Task<IReadOnlyList<RunRecord>> GetRunsAfterCoreAsync(string sessionId, long afterSequence, int maxRuns, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<RunRecord> runs = TryGetLive(sessionId, out var state)
                ? state.RunsAfter(afterSequence, maxRuns).Select(state.ReadRun).ToList()
                : [];
            return Task.FromResult(runs);
        }
    }

    /// <inheritdoc />
    protected override Task<bool> UpdateSummaryCoreAsync(string sessionId, string summary, long watermark, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_sessions.TryGetValue(sessionId, out var state) || state.Head.SummaryWatermark > watermark)
            {
                return Task.FromResult(false);
            }

            state.Head.Summary = summary;
            state.Head.SummaryWatermark = watermark;
            state.Head.UpdatedAt = StorageClock.Now();
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    protected override Task<bool> MergeSessionMetadataCoreAsync(string sessionId, JsonObject metadata, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_sessions.TryGetValue(sessionId, out var state))
            {
                return Task.FromResult(false);
            }

            state.Head.Metadata ??= [];
            foreach (var (key, value) in metadata)
            {
                state.Head.Metadata[key] = value?.DeepClone();
            }

            state.Head.UpdatedAt = StorageClock.Now();
            return Task.FromResult(true);
        }
    }
}
