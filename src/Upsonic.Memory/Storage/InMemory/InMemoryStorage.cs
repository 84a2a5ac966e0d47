using System.Text.Json.Nodes;
using Upsonic.Storage.Serialization;

namespace Upsonic.Storage;

/// <summary>
/// A thread-safe, process-local <see cref="IStorage"/>: the reference backend for tests and prototypes.
/// </summary>
/// <remarks>
/// It follows the same rules as every other backend and passes the same contract suite. Every write stores a copy and every
/// read returns a copy, so callers never share mutable state with it. Disposing it does not erase data (call
/// <see cref="ClearAllAsync"/> for that). Data lives only as long as the instance.
/// </remarks>
public sealed class InMemoryStorage : IStorage
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, InMemorySession> _sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UserMemory> _userMemories = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KnowledgeRow> _knowledge = new(StringComparer.Ordinal);

    /// <summary>Creates an empty in-memory storage.</summary>
    /// <param name="sessionTable">Session table name (kept for compatibility; validated).</param>
    /// <param name="userMemoryTable">User-memory table name (kept for compatibility; validated).</param>
    /// <param name="knowledgeTable">Knowledge table name (kept for compatibility; validated).</param>
    /// <param name="id">The storage id; a new GUID string when null or empty.</param>
    public InMemoryStorage(string? sessionTable = null, string? userMemoryTable = null, string? knowledgeTable = null, string? id = null)
    {
        SessionTable = StorageNames.Validate(sessionTable, StorageNames.DefaultSessionTable, nameof(sessionTable));
        UserMemoryTable = StorageNames.Validate(userMemoryTable, StorageNames.DefaultUserMemoryTable, nameof(userMemoryTable));
        KnowledgeTable = StorageNames.Validate(knowledgeTable, StorageNames.DefaultKnowledgeTable, nameof(knowledgeTable));
        Id = string.IsNullOrEmpty(id) ? Guid.NewGuid().ToString() : id;
    }

    /// <inheritdoc />
    public string Id { get; }

    /// <inheritdoc />
    public string SessionTable { get; }

    /// <inheritdoc />
    public string UserMemoryTable { get; }

    /// <inheritdoc />
    public string KnowledgeTable { get; }

    /// <summary>How many sessions are stored.</summary>
    public int SessionCount { get { lock (_gate) { return _sessions.Count; } } }

    /// <summary>How many user profiles are stored.</summary>
    public int UserMemoryCount { get { lock (_gate) { return _userMemories.Count; } } }

    /// <inheritdoc />
    public Task<bool> TableExistsAsync(string tableName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tableName);
        return Task.FromResult(true);
    }

    /// <inheritdoc />
    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc />
    public Task ClearAllAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _sessions.Clear();
            _userMemories.Clear();
            _knowledge.Clear();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<AgentSession> UpsertSessionAsync(AgentSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        Guard.Id(session.SessionId, nameof(session));
        lock (_gate)
        {
            return Task.FromResult(UpsertLocked(session));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AgentSession>> UpsertSessionsAsync(IEnumerable<AgentSession> sessions, CancellationToken cancellationToken = default)
    {
        var list = Guard.Sessions(sessions, nameof(sessions));
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<AgentSession>>(list.Select(UpsertLocked).ToList());
        }
    }

    private AgentSession UpsertLocked(AgentSession session)
    {
        var now = StorageClock.Now();
        var head = SessionRows.CopyHead(session);
        head.CreatedAt = _sessions.TryGetValue(session.SessionId, out var existing)
            ? existing.Head.CreatedAt
            : session.CreatedAt is { } created ? StorageClock.Truncate(created) : now;
        head.UpdatedAt = now;
        var state = InMemorySession.FromLayout(head, SessionRows.Flatten(session));
        _sessions[session.SessionId] = state;
        return state.ReadWhole();
    }

    /// <inheritdoc />
    public Task<AgentSession?> GetSessionAsync(string? sessionId = null, SessionType? sessionType = null, string? userId = null, string? agentId = null, CancellationToken cancellationToken = default)
    {
        var query = RecordOrdering.LatestSession(sessionId, sessionType, userId, agentId);
        lock (_gate)
        {
            var match = Matching(query).FirstOrDefault();
            return Task.FromResult(match?.ReadWhole());
        }
    }

    /// <inheritdoc />
    public Task<PagedResult<AgentSession>> GetSessionsAsync(SessionQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new SessionQuery();
        Guard.Paging(query.Limit, query.Offset, nameof(query));
        lock (_gate)
        {
            var page = RecordOrdering.Page(
                _sessions.Values.Where(s => RecordOrdering.Matches(s.Head, query)),
                s => RecordOrdering.SessionKey(s.Head, query.SortBy), s => s.Head.SessionId, query.SortOrder, query.Limit, query.Offset);
            return Task.FromResult(new PagedResult<AgentSession>(page.Items.Select(s => s.ReadWhole()).ToList(), page.Total));
        }
    }

    private IEnumerable<InMemorySession> Matching(SessionQuery query) =>
        RecordOrdering.Page(
            _sessions.Values.Where(s => RecordOrdering.Matches(s.Head, query)),
            s => RecordOrdering.SessionKey(s.Head, query.SortBy), s => s.Head.SessionId, query.SortOrder, query.Limit, query.Offset).Items;

    /// <inheritdoc />
    public Task<bool> DeleteSessionAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        Guard.Id(sessionId, nameof(sessionId));
        lock (_gate)
        {
            return Task.FromResult(_sessions.Remove(sessionId));
        }
    }

    /// <inheritdoc />
    public Task<int> DeleteSessionsAsync(IReadOnlyCollection<string> sessionIds, CancellationToken cancellationToken = default)
    {
        Guard.Ids(sessionIds, nameof(sessionIds));
        lock (_gate)
        {
            return Task.FromResult(sessionIds.Distinct(StringComparer.Ordinal).Count(_sessions.Remove));
        }
    }

    /// <inheritdoc />
    public Task<UserMemory> UpsertUserMemoryAsync(UserMemory userMemory, CancellationToken cancellationToken = default)
    {
        Guard.UserMemory(userMemory, nameof(userMemory));
        lock (_gate)
        {
            return Task.FromResult(UpsertUserMemoryLocked(userMemory));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<UserMemory>> UpsertUserMemoriesAsync(IEnumerable<UserMemory> userMemories, CancellationToken cancellationToken = default)
    {
        var list = Guard.UserMemories(userMemories, nameof(userMemories));
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<UserMemory>>(list.Select(UpsertUserMemoryLocked).ToList());
        }
    }

    private UserMemory UpsertUserMemoryLocked(UserMemory memory)
    {
        var now = StorageClock.Now();
        var stored = Copy(memory);
        stored.CreatedAt = _userMemories.TryGetValue(memory.UserId, out var existing)
            ? existing.CreatedAt
            : memory.CreatedAt is { } created ? StorageClock.Truncate(created) : now;
        stored.UpdatedAt = now;
        _userMemories[memory.UserId] = stored;
        return Copy(stored);
    }

    /// <inheritdoc />
    public Task<UserMemory?> GetUserMemoryAsync(string? userId = null, string? agentId = null, string? teamId = null, CancellationToken cancellationToken = default)
    {
        var query = RecordOrdering.LatestUserMemory(userId, agentId, teamId);
        lock (_gate)
        {
            var match = PageUserMemories(query).Items.FirstOrDefault();
            return Task.FromResult(match is null ? null : Copy(match));
        }
    }

    /// <inheritdoc />
    public Task<PagedResult<UserMemory>> GetUserMemoriesAsync(UserMemoryQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new UserMemoryQuery();
        Guard.Paging(query.Limit, query.Offset, nameof(query));
        lock (_gate)
        {
            var page = PageUserMemories(query);
            return Task.FromResult(new PagedResult<UserMemory>(page.Items.Select(Copy).ToList(), page.Total));
        }
    }

    private PagedResult<UserMemory> PageUserMemories(UserMemoryQuery query) =>
        RecordOrdering.Page(_userMemories.Values.Where(m => RecordOrdering.Matches(m, query)), m => m.UpdatedAt, m => m.UserId, SortOrder.Descending, query.Limit, query.Offset);

    /// <inheritdoc />
    public Task<bool> DeleteUserMemoryAsync(string userId, CancellationToken cancellationToken = default)
    {
        Guard.Id(userId, nameof(userId));
        lock (_gate)
        {
            return Task.FromResult(_userMemories.Remove(userId));
        }
    }

    /// <inheritdoc />
    public Task<int> DeleteUserMemoriesAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default)
    {
        Guard.Ids(userIds, nameof(userIds));
        lock (_gate)
        {
            return Task.FromResult(userIds.Distinct(StringComparer.Ordinal).Count(_userMemories.Remove));
        }
    }

    /// <inheritdoc />
    public Task<KnowledgeRow> UpsertKnowledgeContentAsync(KnowledgeRow row, CancellationToken cancellationToken = default)
    {
        Guard.KnowledgeRow(row, nameof(row));
        lock (_gate)
        {
            var now = StorageClock.Now();
            var stored = Copy(row);
            stored.CreatedAt = row.CreatedAt is { } created
                ? StorageClock.Truncate(created)
                : _knowledge.TryGetValue(row.Id, out var existing) ? existing.CreatedAt : now;
            stored.UpdatedAt = now;
            _knowledge[row.Id] = stored;
            return Task.FromResult(Copy(stored));
        }
    }

    /// <inheritdoc />
    public Task<KnowledgeRow?> GetKnowledgeContentAsync(string id, CancellationToken cancellationToken = default)
    {
        Guard.Id(id, nameof(id));
        lock (_gate)
        {
            return Task.FromResult(_knowledge.TryGetValue(id, out var row) ? Copy(row) : null);
        }
    }

    /// <inheritdoc />
    public Task<PagedResult<KnowledgeRow>> GetKnowledgeContentsAsync(KnowledgeQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new KnowledgeQuery();
        RecordOrdering.Validate(query, nameof(query));
        lock (_gate)
        {
            var page = RecordOrdering.Page(
                _knowledge.Values.Where(r => query.KnowledgeBaseId is null || r.KnowledgeBaseId == query.KnowledgeBaseId),
                r => RecordOrdering.KnowledgeKey(r, query.SortBy), r => r.Id, query.SortOrder, query.Limit, RecordOrdering.KnowledgeOffset(query));
            return Task.FromResult(new PagedResult<KnowledgeRow>(page.Items.Select(Copy).ToList(), page.Total));
        }
    }

    /// <inheritdoc />
    public Task<bool> DeleteKnowledgeContentAsync(string id, CancellationToken cancellationToken = default)
    {
        Guard.Id(id, nameof(id));
        lock (_gate)
        {
            return Task.FromResult(_knowledge.Remove(id));
        }
    }

    /// <inheritdoc />
    public Task<int> DeleteKnowledgeContentsAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        Guard.Ids(ids, nameof(ids), allowEmpty: true);
        lock (_gate)
        {
            return Task.FromResult(ids.Distinct(StringComparer.Ordinal).Count(_knowledge.Remove));
        }
    }

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

            state.Runs[run.RunId] = new InMemorySession.StoredRun(record, Math.Max(alreadyStored, serialized.Count));
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
                ? state.Runs.Values.Where(r => r.Record.Sequence > afterSequence)
                    .OrderByDescending(r => r.Record.Sequence).Take(maxRuns).OrderBy(r => r.Record.Sequence)
                    .Select(state.ReadRun).ToList()
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

    /// <summary>Releases nothing and keeps the data: an in-memory storage lives as long as the instance.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Replaces the stored text of a message, for tests of corrupt-data handling.</summary>
    internal void OverwriteStoredMessage(string sessionId, long sequence, string json)
    {
        lock (_gate)
        {
            _sessions[sessionId].Overwrite(sequence, json);
        }
    }

    private static UserMemory Copy(UserMemory m) => new()
    {
        UserId = m.UserId,
        Profile = (JsonObject)m.Profile.DeepClone(),
        AgentId = m.AgentId,
        TeamId = m.TeamId,
        CreatedAt = m.CreatedAt,
        UpdatedAt = m.UpdatedAt,
    };

    private static KnowledgeRow Copy(KnowledgeRow r) => new()
    {
        Id = r.Id,
        Name = r.Name,
        Description = r.Description,
        Metadata = StorageJson.Clone(r.Metadata),
        Type = r.Type,
        Size = r.Size,
        KnowledgeBaseId = r.KnowledgeBaseId,
        ContentHash = r.ContentHash,
        ChunkCount = r.ChunkCount,
        Source = r.Source,
        Status = r.Status,
        StatusMessage = r.StatusMessage,
        AccessCount = r.AccessCount,
        CreatedAt = r.CreatedAt,
        UpdatedAt = r.UpdatedAt,
    };
}
