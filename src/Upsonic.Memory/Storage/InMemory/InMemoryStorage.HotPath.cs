using System.Text.Json.Nodes;
using Upsonic.Storage.Serialization;

namespace Upsonic.Storage;

// Forgetting a user and the per-turn hot path.
public sealed partial class InMemoryStorage
{
    /// <inheritdoc />
    public Task<int> DeleteUserDataAsync(string userId, CancellationToken cancellationToken = default)
    {
        Guard.Id(userId, nameof(userId));
        lock (_gate)
        {
            var ids = _sessions.Values.Where(s => s.Head.UserId == userId).Select(s => s.Head.SessionId).ToList();
            ids.ForEach(id => _sessions.Remove(id));
            _userMemories.Remove(userId);
            return Task.FromResult(ids.Count);
        }
    }

    /// <inheritdoc />
    public Task<SessionWindow?> LoadSessionWindowAsync(string sessionId, int? historyTurns, CancellationToken cancellationToken = default)
    {
        Guard.Id(sessionId, nameof(sessionId));
        if (historyTurns is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(historyTurns), historyTurns, "The number of history turns must not be negative.");
        }

        lock (_gate)
        {
            if (!_sessions.TryGetValue(sessionId, out var state))
            {
                return Task.FromResult<SessionWindow?>(null);
            }

            var window = new SessionWindow(SessionRows.CopyHead(state.Head), SessionRows.Turns(state.HistoryWindow(historyTurns).Select(state.Read)));
            return Task.FromResult<SessionWindow?>(window);
        }
    }

    /// <inheritdoc />
    public Task<RunAppendResult> AppendRunAsync(RunAppend append, CancellationToken cancellationToken = default)
    {
        Guard.Append(append, nameof(append));
        var run = append.Run;
        var serialized = run.Messages.Select(StorageJson.SerializeMessage).ToList();
        lock (_gate)
        {
            var now = StorageClock.Now();
            var created = false;
            if (!_sessions.TryGetValue(append.SessionId, out var state))
            {
                created = true;
                state = new InMemorySession
                {
                    Head = new AgentSession
                    {
                        SessionId = append.SessionId,
                        AgentId = run.AgentId,
                        UserId = run.UserId,
                        Metadata = [],
                        CreatedAt = now,
                    },
                };
                _sessions[append.SessionId] = state;
            }

            var previous = state.Runs.GetValueOrDefault(run.RunId);
            var record = SessionRows.Copy(run, withMessages: false);
            record.SessionId = append.SessionId;
            record.Sequence = previous?.Record.Sequence ?? ++state.RunCount;
            record.CreatedAt = previous?.Record.CreatedAt ?? now;
            record.UpdatedAt = now;
            var alreadyStored = previous?.MessageCount ?? 0;
            for (var i = alreadyStored; i < serialized.Count; i++)
            {
                state.Add(new InMemorySession.StoredMessage(state.MessageCount + 1, record.Sequence, run.RunId, append.AddToHistory, serialized[i]));
            }

            state.Put(new InMemorySession.StoredRun(record, Math.Max(alreadyStored, serialized.Count)));
            var head = state.Head;
            head.Usage = UsageMath.ApplyRunDelta(head.Usage, run.Usage, previous?.Record.Usage);
            if (!string.IsNullOrEmpty(append.AgentName))
            {
                head.AgentData ??= [];
                head.AgentData["agent_name"] = append.AgentName;
            }

            head.UpdatedAt = now;
            return Task.FromResult(new RunAppendResult(record.Sequence, Math.Max(0, serialized.Count - alreadyStored), created, previous is null));
        }
    }

    /// <inheritdoc />
    public Task<RunRecord?> GetRunAsync(string sessionId, string runId, CancellationToken cancellationToken = default)
    {
        Guard.Id(sessionId, nameof(sessionId));
        Guard.Id(runId, nameof(runId));
        lock (_gate)
        {
            return Task.FromResult(
                _sessions.TryGetValue(sessionId, out var state) && state.Runs.TryGetValue(runId, out var run) ? state.ReadRun(run) : null);
        }
    }

    /// <inheritdoc />
    public Task<RunRecord?> FindRunAsync(string runId, string? agentId = null, CancellationToken cancellationToken = default)
    {
        Guard.Id(runId, nameof(runId));
        Guard.OptionalNonBlankId(agentId, nameof(agentId));
        lock (_gate)
        {
            foreach (var state in _sessions.Values.OrderBy(s => s.Head.SessionId, StringComparer.Ordinal))
            {
                if (state.Runs.TryGetValue(runId, out var run) && (agentId is null || run.Record.AgentId == agentId))
                {
                    return Task.FromResult<RunRecord?>(state.ReadRun(run));
                }
            }

            return Task.FromResult<RunRecord?>(null);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RunRecord>> GetRunsAfterAsync(string sessionId, long afterSequence, int maxRuns, CancellationToken cancellationToken = default)
    {
        Guard.Id(sessionId, nameof(sessionId));
        ArgumentOutOfRangeException.ThrowIfNegative(maxRuns);
        lock (_gate)
        {
            IReadOnlyList<RunRecord> runs = _sessions.TryGetValue(sessionId, out var state)
                ? state.RunsAfter(afterSequence, maxRuns).Select(state.ReadRun).ToList()
                : [];
            return Task.FromResult(runs);
        }
    }

    /// <inheritdoc />
    public Task<bool> UpdateSummaryAsync(string sessionId, string summary, long watermark, CancellationToken cancellationToken = default)
    {
        Guard.Id(sessionId, nameof(sessionId));
        ArgumentNullException.ThrowIfNull(summary);
        lock (_gate)
        {
            if (!_sessions.TryGetValue(sessionId, out var state) || state.Head.SummaryWatermark >= watermark)
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
    public Task<bool> MergeSessionMetadataAsync(string sessionId, JsonObject metadata, CancellationToken cancellationToken = default)
    {
        Guard.Id(sessionId, nameof(sessionId));
        ArgumentNullException.ThrowIfNull(metadata);
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

    /// <inheritdoc />
    public Task<UserMemory> UpdateUserProfileAsync(ProfileUpdate update, CancellationToken cancellationToken = default)
    {
        Guard.Profile(update, nameof(update));
        lock (_gate)
        {
            var current = _userMemories.GetValueOrDefault(update.UserId);
            var merged = new UserMemory
            {
                UserId = update.UserId,
                Profile = ProfileMerge.Apply(current?.Profile, update.Traits, update.Mode),
                AgentId = update.AgentId,
                TeamId = update.TeamId,
            };
            return Task.FromResult(UpsertUserMemoryLocked(merged));
        }
    }
}
