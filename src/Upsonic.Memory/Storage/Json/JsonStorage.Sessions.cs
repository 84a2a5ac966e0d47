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
        var existing = ListSessions([session.SessionId]).FirstOrDefault();
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
    /// <remarks>Filters and orders the sessions read without their rows (only the named ones' files when the query names
    /// sessions), then reads the page's sessions whole. A session that cannot be read (a log line before the last one that does
    /// not parse, say) keeps its place by what can be read of its head and is reported in
    /// <see cref="PagedResult{T}.UnreadableRecords"/> instead of failing the listing.</remarks>
    protected override Task<PagedResult<AgentSession>> GetSessionsCoreAsync(SessionQuery query, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            var page = RecordOrdering.Page(
                ListSessions(query.SessionIds).Where(s => RecordOrdering.Matches(s.Head, query)),
                s => RecordOrdering.SessionKey(s.Head, query.SortBy), s => s.Head.SessionId, query.SortOrder, query.Limit, query.Offset);
            var sessions = new List<AgentSession>();
            var unreadable = new List<StorageException>();
            foreach (var listed in page.Items)
            {
                if (listed.Failure is { } failure)
                {
                    unreadable.Add(failure);
                    continue;
                }

                try
                {
                    if (LoadSession(listed.Head.SessionId) is { } session)
                    {
                        sessions.Add(session.ReadWhole());
                    }
                }
                catch (StorageException ex) when (ex.IsCorruptData)
                {
                    unreadable.Add(ex);
                }
            }

            return new PagedResult<AgentSession>(sessions, page.Total) { UnreadableRecords = unreadable };
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<int> DeleteSessionsCoreAsync(IReadOnlyList<string> sessionIds, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            var sessions = ListSessions(sessionIds);
            sessions.ForEach(s => s.Delete());
            return sessions.Count;
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<int> DeleteUserDataCoreAsync(string userId, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            var sessions = ListSessions().Where(s => s.Head.UserId == userId).ToList();
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

    /// <summary>
    /// Every unexpired session (or the named ones), read with or without its rows (expired ones are deleted on the way). A session
    /// whose files cannot be read is listed too, unread, with its failure and what can be read of its head
    /// (<see cref="JsonSession.ReadableHead"/>; else only its id and the log's last write time), so one damaged log fails only
    /// the reads that need it and can still be deleted.
    /// </summary>
    private List<ListedSession> ListSessions(IReadOnlyCollection<string>? sessionIds = null, bool rows = false)
    {
        var logs = sessionIds is null
            ? JsonFiles.List(SessionDirectory, ".log.jsonl").Select(path => (Path: path, Id: (string?)null))
            : sessionIds.Distinct(StringComparer.Ordinal).Select(id => (Path: JsonFiles.SessionLog(SessionDirectory, id), Id: (string?)id));
        var listed = new List<ListedSession>();
        foreach (var (path, id) in logs)
        {
            try
            {
                if (Unexpired(JsonSession.LoadLog(SessionDirectory, path, rows: rows)) is { } session)
                {
                    listed.Add(new ListedSession(path, session.Head, session, null));
                }
            }
            catch (StorageException ex) when (ex.IsCorruptData)
            {
                var failure = id is null || ex.RecordId == id
                    ? ex
                    : StorageException.CorruptData($"The stored session '{id}' cannot be read: {ex.Message}", ex, "ReadSession", id);
                var written = new DateTimeOffset(File.GetLastWriteTimeUtc(path));
                var head = JsonSession.ReadableHead(path) ?? new AgentSession { SessionId = failure.RecordId!, CreatedAt = written, UpdatedAt = written };
                listed.Add(new ListedSession(path, head, null, failure));
            }
        }

        return listed;
    }

    /// <summary>A session of a listing: read (<see cref="Session"/>), or unreadable (<see cref="Failure"/>) with the head that
    /// could be read, which filters and orders it.</summary>
    private sealed record ListedSession(string LogPath, AgentSession Head, JsonSession? Session, StorageException? Failure)
    {
        /// <summary>Deletes the session's files: the log first (the session is gone once it is), then the head file.</summary>
        public void Delete()
        {
            File.Delete(LogPath);
            File.Delete(JsonFiles.SessionHeadOfLog(LogPath));
        }
    }

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
