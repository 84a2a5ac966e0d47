namespace Upsonic.Storage;

// The session record API and forgetting a user: whole sessions are written as a new log and head.
public sealed partial class JsonStorage
{
    /// <inheritdoc />
    protected override Task<IReadOnlyList<AgentSession>> UpsertSessionsCoreAsync(IReadOnlyList<AgentSession> sessions, CancellationToken cancellationToken) =>
        LockedAsync<IReadOnlyList<AgentSession>>(() => sessions.Select(ReplaceSession).ToList(), cancellationToken);

    private AgentSession ReplaceSession(AgentSession session)
    {
        var now = StorageClock.Now();
        var existing = LoadSession(session.SessionId);
        var head = SessionRows.CopyHead(session);
        head.CreatedAt = existing?.Head.CreatedAt ?? (session.CreatedAt is { } created ? StorageClock.Truncate(created) : now);
        head.UpdatedAt = now;
        var layout = SessionRows.Flatten(session);
        var entry = new JsonLogEntry
        {
            Number = 1,
            Runs = layout.Runs.Select(r => new JsonLogRun { Run = SessionRows.Copy(r, withMessages: false), MessageCount = r.Messages.Count }).ToList(),
            Messages = layout.Messages.Select(m => JsonLogMessage.Of(m.Sequence, m.Turn, m.RunId, m.InHistory, m.Message)).ToList(),
            RunCount = layout.RunCount,
            MessageCount = layout.Messages.Count,
            Usage = head.Usage,
            AgentData = head.AgentData,
            UpdatedAt = now,
        };
        return JsonSession.Create(SessionDirectory, head, entry).ReadWhole();
    }

    /// <inheritdoc />
    /// <remarks>Filters and orders the sessions read without their rows, then reads the page's sessions whole.</remarks>
    protected override Task<PagedResult<AgentSession>> GetSessionsCoreAsync(SessionQuery query, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            var page = RecordOrdering.Page(
                AllSessions(rows: false).Where(s => RecordOrdering.Matches(s.Head, query)),
                s => RecordOrdering.SessionKey(s.Head, query.SortBy), s => s.Head.SessionId, query.SortOrder, query.Limit, query.Offset);
            return new PagedResult<AgentSession>(page.Items.Select(s => LoadSession(s.Head.SessionId)).OfType<JsonSession>().Select(s => s.ReadWhole()).ToList(), page.Total);
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<int> DeleteSessionsCoreAsync(IReadOnlyList<string> sessionIds, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            var deleted = 0;
            foreach (var id in sessionIds)
            {
                if (LoadSession(id) is { } session)
                {
                    session.Delete();
                    deleted++;
                }
            }

            return deleted;
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<int> DeleteUserDataCoreAsync(string userId, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            var sessions = AllSessions(rows: false).Where(s => s.Head.UserId == userId).ToList();
            sessions.ForEach(s => s.Delete());
            File.Delete(JsonFiles.Record(UserMemoryDirectory, userId));
            return sessions.Count;
        }, cancellationToken);

    /// <summary>
    /// A session, or null when it does not exist or has expired (its files are then deleted). The session this instance read
    /// last is kept and brought up to date by reading only what was appended since (by any process), so a turn's append does not
    /// read the whole log again.
    /// </summary>
    private JsonSession? LoadSession(string sessionId)
    {
        var known = _recent?.Head.SessionId == sessionId ? _recent : null;
        _recent = Unexpired(JsonSession.Load(SessionDirectory, sessionId, known));
        return _recent;
    }

    /// <summary>
    /// A session read without its messages and runs (head, counters, which sequences and run ids are stored), or null when it
    /// does not exist or has expired. Kept and brought up to date like <see cref="LoadSession"/>, for imports page after page.
    /// </summary>
    private JsonSession? LoadSessionWithoutRows(string sessionId)
    {
        var known = _recentWithoutRows?.Head.SessionId == sessionId ? _recentWithoutRows : null;
        _recentWithoutRows = Unexpired(JsonSession.Load(SessionDirectory, sessionId, known, rows: false));
        return _recentWithoutRows;
    }

    /// <summary>Every unexpired session, with or without its rows (expired ones are deleted on the way).</summary>
    private List<JsonSession> AllSessions(bool rows = true) =>
        JsonFiles.List(SessionDirectory, ".log.jsonl")
            .Select(path => Unexpired(JsonSession.LoadLog(SessionDirectory, path, rows: rows)))
            .OfType<JsonSession>()
            .ToList();

    private JsonSession? Unexpired(JsonSession? session)
    {
        if (session is not null && IsExpired(session.Head.UpdatedAt))
        {
            session.Delete();
            return null;
        }

        return session;
    }
}
