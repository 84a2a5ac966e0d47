using System.Text.Json;
using System.Text.Json.Nodes;
using Upsonic.Storage;
using Upsonic.Storage.Backends;

namespace Upsonic.Memory.ExampleBackend.Tests;

/// <summary>
/// The example of docs/writing-a-backend.md: a process-local backend that keeps every record as JSON text, as a document store
/// would, written with the public backend kit only. <see cref="StorageBase"/> checks arguments and wraps operations; this class
/// does the engine work (here: dictionaries under one lock).
/// </summary>
public sealed partial class NotebookStorage : StorageBase
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _profiles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _knowledge = new(StringComparer.Ordinal);

    /// <summary>Creates an empty notebook whose sessions and profiles expire <paramref name="expire"/> seconds after their last
    /// write (null = never) by <paramref name="timeProvider"/>'s clock (the system clock when null).</summary>
    public NotebookStorage(string? sessionTable = null, string? userMemoryTable = null, string? knowledgeTable = null, string? id = null,
        int? expire = null, TimeProvider? timeProvider = null)
        : base(sessionTable, userMemoryTable, knowledgeTable, id, expire, timeProvider)
    {
    }

    /// <summary>One session: the head, the message rows (JSON text) and the run records (JSON text, without messages).</summary>
    private sealed class Session
    {
        public required string Head { get; set; }

        public List<(long Sequence, long Turn, string? RunId, bool InHistory, string Json)> Messages { get; } = [];

        public Dictionary<string, (long Sequence, int MessageCount, string Json)> Runs { get; } = new(StringComparer.Ordinal);

        public long RunCount { get; set; }
    }

    /// <summary>Overwrites a stored message with unreadable text (what a corrupt row looks like), for the contract suite.</summary>
    internal void Corrupt(string sessionId, long sequence)
    {
        lock (_gate)
        {
            var messages = _sessions[sessionId].Messages;
            var index = messages.FindIndex(m => m.Sequence == sequence);
            messages[index] = messages[index] with { Json = "{ not json" };
        }
    }

    /// <summary>Every stored key and text (heads, messages, runs, profiles, knowledge rows), for the contract suite's scans of the raw engine.</summary>
    internal IReadOnlyList<string> RawContents()
    {
        lock (_gate)
        {
            return [.. _sessions.Keys, .. _sessions.Values.SelectMany(s => s.Messages.Select(m => m.Json).Concat(s.Runs.Values.Select(r => r.Json)).Append(s.Head)),
                .. _profiles.Keys, .. _profiles.Values, .. _knowledge.Keys, .. _knowledge.Values];
        }
    }

    // ----- lifecycle -----

    /// <inheritdoc />
    protected override Task ClearAllCoreAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _sessions.Clear();
            _profiles.Clear();
            _knowledge.Clear();
        }

        return Task.CompletedTask;
    }

    // ----- sessions -----

    /// <inheritdoc />
    protected override Task<IReadOnlyList<AgentSession>> UpsertSessionsCoreAsync(IReadOnlyList<AgentSession> sessions, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var stored = new List<AgentSession>();
            foreach (var session in sessions)
            {
                var now = StorageClock.Now();
                var head = SessionRows.CopyHead(session);
                head.CreatedAt = _sessions.TryGetValue(session.SessionId, out var existing)
                    ? Read<AgentSession>(existing.Head).CreatedAt
                    : session.CreatedAt is { } created ? StorageClock.Truncate(created) : now;
                head.UpdatedAt = now;

                // The kit maps a whole session onto rows, so every backend numbers turns and sequences alike.
                var layout = SessionRows.Flatten(session);
                var state = new Session { Head = Write(head), RunCount = layout.RunCount };
                state.Messages.AddRange(layout.Messages.Select(r => (r.Sequence, r.Turn, r.RunId, r.InHistory, StorageJson.SerializeMessage(r.Message))));
                foreach (var run in layout.Runs)
                {
                    state.Runs[run.RunId] = (run.Sequence, run.Messages.Count, Write(SessionRows.Copy(run, withMessages: false)));
                }

                _sessions[session.SessionId] = state;
                stored.Add(ReadWhole(session.SessionId, state));
            }

            return Task.FromResult<IReadOnlyList<AgentSession>>(stored);
        }
    }

    /// <inheritdoc />
    protected override Task<PagedResult<AgentSession>> GetSessionsCoreAsync(SessionQuery query, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var heads = _sessions.Values.Select(s => Read<AgentSession>(s.Head)).Where(h => !IsExpired(h.UpdatedAt) && RecordOrdering.Matches(h, query));
            var page = RecordOrdering.Page(heads, h => RecordOrdering.SessionKey(h, query.SortBy), h => h.SessionId, query.SortOrder, query.Limit, query.Offset);
            return Task.FromResult(new PagedResult<AgentSession>(page.Items.Select(h => ReadWhole(h.SessionId, _sessions[h.SessionId])).ToList(), page.Total));
        }
    }

    /// <inheritdoc />
    protected override Task<int> DeleteSessionsCoreAsync(IReadOnlyList<string> sessionIds, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(sessionIds.Count(_sessions.Remove));
        }
    }

    /// <inheritdoc />
    protected override Task<int> DeleteUserDataCoreAsync(string userId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var ids = _sessions.Where(p => Read<AgentSession>(p.Value.Head).UserId == userId).Select(p => p.Key).ToList();
            ids.ForEach(id => _sessions.Remove(id));
            _profiles.Remove(userId);
            return Task.FromResult(ids.Count);
        }
    }

    // ----- user memories -----

    /// <inheritdoc />
    protected override Task<IReadOnlyList<UserMemory>> UpsertUserMemoriesCoreAsync(IReadOnlyList<UserMemory> userMemories, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<UserMemory>>(userMemories.Select(UpsertProfileLocked).ToList());
        }
    }

    private UserMemory UpsertProfileLocked(UserMemory memory)
    {
        var stored = Read<UserMemory>(Write(memory));
        var now = StorageClock.Now();
        stored.CreatedAt = _profiles.TryGetValue(memory.UserId, out var existing)
            ? Read<UserMemory>(existing).CreatedAt
            : memory.CreatedAt is { } created ? StorageClock.Truncate(created) : now;
        stored.UpdatedAt = now;
        _profiles[memory.UserId] = Write(stored);
        return stored;
    }

    /// <inheritdoc />
    protected override Task<PagedResult<UserMemory>> GetUserMemoriesCoreAsync(UserMemoryQuery query, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var matches = _profiles.Values.Select(Read<UserMemory>).Where(m => !IsExpired(m.UpdatedAt) && RecordOrdering.Matches(m, query));
            return Task.FromResult(RecordOrdering.Page(matches, m => m.UpdatedAt, m => m.UserId, SortOrder.Descending, query.Limit, query.Offset));
        }
    }

    /// <inheritdoc />
    protected override Task<int> DeleteUserMemoriesCoreAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(userIds.Count(_profiles.Remove));
        }
    }

    /// <inheritdoc />
    protected override Task<UserMemory> UpdateUserProfileCoreAsync(ProfileUpdate update, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var current = _profiles.TryGetValue(update.UserId, out var json) ? Read<UserMemory>(json).Profile : null;
            return Task.FromResult(UpsertProfileLocked(new UserMemory
            {
                UserId = update.UserId,
                Profile = ProfileMerge.Apply(current, update.Traits, update.Mode),
                AgentId = update.AgentId,
                TeamId = update.TeamId,
            }));
        }
    }

    // ----- knowledge -----

    /// <inheritdoc />
    protected override Task<KnowledgeRow> UpsertKnowledgeContentCoreAsync(KnowledgeRow row, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var stored = Read<KnowledgeRow>(Write(row));
            var now = StorageClock.Now();
            stored.CreatedAt = row.CreatedAt is { } created
                ? StorageClock.Truncate(created)
                : _knowledge.TryGetValue(row.Id, out var existing) ? Read<KnowledgeRow>(existing).CreatedAt : now;
            stored.UpdatedAt = now;
            _knowledge[row.Id] = Write(stored);
            return Task.FromResult(stored);
        }
    }

    /// <inheritdoc />
    protected override Task<KnowledgeRow?> GetKnowledgeContentCoreAsync(string id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_knowledge.TryGetValue(id, out var json) ? Read<KnowledgeRow>(json) : null);
        }
    }

    /// <inheritdoc />
    protected override Task<PagedResult<KnowledgeRow>> GetKnowledgeContentsCoreAsync(KnowledgeQuery query, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var rows = _knowledge.Values.Select(Read<KnowledgeRow>).Where(r => query.KnowledgeBaseId is null || r.KnowledgeBaseId == query.KnowledgeBaseId);
            return Task.FromResult(RecordOrdering.Page(
                rows, r => RecordOrdering.KnowledgeKey(r, query.SortBy), r => r.Id, query.SortOrder, query.Limit, RecordOrdering.KnowledgeOffset(query)));
        }
    }

    /// <inheritdoc />
    protected override Task<int> DeleteKnowledgeContentsCoreAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(ids.Count(_knowledge.Remove));
        }
    }

    // ----- hot path -----

    /// <inheritdoc />
    protected override Task<SessionWindow?> LoadSessionWindowCoreAsync(string sessionId, int? historyTurns, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!TryGetLive(sessionId, out var state))
            {
                return Task.FromResult<SessionWindow?>(null);
            }

            var history = state.Messages.Where(m => m.InHistory).ToList();
            var turns = history.Select(m => m.Turn).Distinct().Order().ToList();
            var kept = turns.Skip(historyTurns is { } n ? Math.Max(0, turns.Count - n) : 0).ToHashSet();
            var rows = history.Where(m => kept.Contains(m.Turn))
                .Select(m => new MessageRow(m.Sequence, m.Turn, m.RunId, true, StorageJson.DeserializeMessage(m.Json, sessionId, m.Sequence)));
            return Task.FromResult<SessionWindow?>(new SessionWindow(Read<AgentSession>(state.Head), SessionRows.Turns(rows)));
        }
    }

    /// <inheritdoc />
    protected override Task<RunAppendResult> AppendRunCoreAsync(RunAppend append, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // Read what the append needs, let the kit plan it, write what the plan says: all under the lock, so appends are atomic.
            var state = _sessions.GetValueOrDefault(append.SessionId);
            var head = state is null ? null : Read<AgentSession>(state.Head);
            PreviousRunSave? previous = null;
            if (state is not null && state.Runs.TryGetValue(append.Run.RunId, out var stored))
            {
                var run = Read<RunRecord>(stored.Json);
                previous = new PreviousRunSave(stored.Sequence, stored.MessageCount, run.Usage, run.CreatedAt);
            }

            var messageCount = state is null || state.Messages.Count == 0 ? 0 : state.Messages.Max(m => m.Sequence);
            var plan = RunAppendPlan.Create(
                append, head is null ? null : new SessionCounters(state!.RunCount, messageCount, head.Usage, head.AgentData), previous, StorageClock.Now());

            if (state is null)
            {
                head = plan.NewSessionHead();
                state = new Session { Head = Write(head) };
                _sessions[append.SessionId] = state;
            }

            foreach (var (sequence, message) in plan.NewMessages())
            {
                state.Messages.Add((sequence, plan.Sequence, append.Run.RunId, append.AddToHistory, StorageJson.SerializeMessage(message)));
            }

            state.Runs[append.Run.RunId] = (plan.Sequence, plan.RunMessageCount, Write(plan.Run));
            state.RunCount = plan.RunCount;
            head!.Usage = plan.SessionUsage;
            head.AgentData = plan.AgentData;
            head.UpdatedAt = plan.Now;
            state.Head = Write(head);
            return Task.FromResult(plan.Result);
        }
    }

    /// <inheritdoc />
    protected override Task<RunRecord?> GetRunCoreAsync(string sessionId, string runId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(TryGetLive(sessionId, out var state) && state.Runs.ContainsKey(runId) ? ReadRun(sessionId, state, runId) : null);
        }
    }

    /// <inheritdoc />
    protected override Task<RunRecord?> FindRunCoreAsync(string runId, string? agentId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var match = _sessions.OrderBy(p => p.Key, StringComparer.Ordinal)
                .Where(p => p.Value.Runs.ContainsKey(runId) && !Expired(p.Value))
                .Select(p => ReadRun(p.Key, p.Value, runId))
                .FirstOrDefault(r => agentId is null || r.AgentId == agentId);
            return Task.FromResult(match);
        }
    }

    /// <inheritdoc />
    protected override Task<IReadOnlyList<RunRecord>> GetRunsAfterCoreAsync(string sessionId, long afterSequence, int maxRuns, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<RunRecord> runs = !TryGetLive(sessionId, out var state)
                ? []
                : state.Runs.Where(p => p.Value.Sequence > afterSequence).OrderByDescending(p => p.Value.Sequence).Take(maxRuns)
                    .OrderBy(p => p.Value.Sequence).Select(p => ReadRun(sessionId, state, p.Key)).ToList();
            return Task.FromResult(runs);
        }
    }

    /// <inheritdoc />
    protected override Task<bool> UpdateSummaryCoreAsync(string sessionId, string summary, long watermark, CancellationToken cancellationToken) =>
        ChangeHead(sessionId, head =>
        {
            if (head.SummaryWatermark > watermark)
            {
                return false;
            }

            head.Summary = summary;
            head.SummaryWatermark = watermark;
            return true;
        });

    /// <inheritdoc />
    protected override Task<bool> MergeSessionMetadataCoreAsync(string sessionId, JsonObject metadata, CancellationToken cancellationToken) =>
        ChangeHead(sessionId, head =>
        {
            head.Metadata ??= [];
            foreach (var (key, value) in metadata)
            {
                head.Metadata[key] = value?.DeepClone();
            }

            return true;
        });

    // ----- reading and writing the stored JSON -----

    private Task<bool> ChangeHead(string sessionId, Func<AgentSession, bool> change)
    {
        lock (_gate)
        {
            if (!_sessions.TryGetValue(sessionId, out var state))
            {
                return Task.FromResult(false);
            }

            var head = Read<AgentSession>(state.Head);
            if (!change(head))
            {
                return Task.FromResult(false);
            }

            head.UpdatedAt = StorageClock.Now();
            state.Head = Write(head);
            return Task.FromResult(true);
        }
    }

    private static AgentSession ReadWhole(string sessionId, Session state)
    {
        var session = Read<AgentSession>(state.Head);
        session.Messages = state.Messages.Where(m => m.InHistory).OrderBy(m => m.Sequence)
            .Select(m => StorageJson.DeserializeMessage(m.Json, sessionId, m.Sequence)).ToList();
        session.Runs = state.Runs.OrderBy(p => p.Value.Sequence).Select(p => ReadRun(sessionId, state, p.Key)).ToList();
        return session;
    }

    private static RunRecord ReadRun(string sessionId, Session state, string runId)
    {
        var run = Read<RunRecord>(state.Runs[runId].Json);
        run.Messages = state.Messages.Where(m => m.RunId == runId).OrderBy(m => m.Sequence)
            .Select(m => StorageJson.DeserializeMessage(m.Json, sessionId, m.Sequence)).ToList();
        return run;
    }

    // Records are stored with the kit's JSON contract (StorageJson.Options), so messages, usage and maps round-trip exactly.
    private static string Write<T>(T record) => JsonSerializer.Serialize(record, StorageJson.Options);

    private static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, StorageJson.Options)!;
}
