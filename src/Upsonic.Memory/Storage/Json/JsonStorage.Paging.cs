namespace Upsonic.Storage;

// Streaming the store in pages: sessions, profiles and knowledge rows by file name (a hash of the id, so the order is stable and
// says nothing about the ids), a session's rows by sequence, and imports that write the session anew with the rows merged in.
public sealed partial class JsonStorage
{
    /// <inheritdoc />
    /// <remarks>Lists the session directory's file names and reads the page's sessions, one at a time.</remarks>
    protected override Task<StorePage<AgentSession>> GetSessionHeadsPageCoreAsync(PageCursor? after, int pageSize, CancellationToken cancellationToken) =>
        LockedAsync(() => FilePage(SessionDirectory, ".log.jsonl", PageCursor.Sessions, after, pageSize, path =>
            Unexpired(JsonSession.LoadLog(SessionDirectory, path)) is { } session ? SessionRows.CopyHead(session.Head) : null), cancellationToken);

    /// <inheritdoc />
    /// <remarks>Reads the session's log (a JSON session is read whole) and returns the page's rows.</remarks>
    protected override Task<StorePage<SessionMessageRow>> GetSessionMessagesPageCoreAsync(string sessionId, long afterSequence, int pageSize, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            var page = new StorePageBuilder<SessionMessageRow>(PageCursor.Messages, pageSize);
            foreach (var m in LoadSession(sessionId)?.Messages.Where(m => m.Sequence > afterSequence).OrderBy(m => m.Sequence).Take(pageSize) ?? [])
            {
                page.Add(sessionId, m.Sequence, () => new SessionMessageRow(
                    m.Sequence, m.Turn, m.RunId, m.InHistory, StorageJson.DeserializeMessage(m.Message.GetRawText(), sessionId, m.Sequence)));
            }

            return page.Build();
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<StorePage<SessionRunRow>> GetSessionRunsPageCoreAsync(string sessionId, long afterSequence, int pageSize, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            var page = new StorePageBuilder<SessionRunRow>(PageCursor.Runs, pageSize);
            foreach (var run in LoadSession(sessionId)?.Runs.Values.Where(r => r.Run.Sequence > afterSequence).OrderBy(r => r.Run.Sequence).Take(pageSize) ?? [])
            {
                page.Add(sessionId, run.Run.Sequence, () => new SessionRunRow(SessionRows.Copy(run.Run, withMessages: false), run.MessageCount));
            }

            return page.Build();
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<SessionRowCounts?> CountSessionRowsCoreAsync(string sessionId, CancellationToken cancellationToken) =>
        LockedAsync(() => LoadSession(sessionId) is { } s
            ? new SessionRowCounts(s.Messages.Count, s.Messages.Count(m => m.InHistory), s.Runs.Count)
            : null, cancellationToken);

    /// <inheritdoc />
    protected override Task<StorePage<UserMemory>> GetUserMemoriesPageCoreAsync(PageCursor? after, int pageSize, CancellationToken cancellationToken) =>
        LockedAsync(() => FilePage(UserMemoryDirectory, ".json", PageCursor.UserMemories, after, pageSize, ReadUserMemoryFile), cancellationToken);

    /// <inheritdoc />
    protected override Task<StorePage<KnowledgeRow>> GetKnowledgeContentsPageCoreAsync(PageCursor? after, int pageSize, CancellationToken cancellationToken) =>
        LockedAsync(() => FilePage(KnowledgeDirectory, ".json", PageCursor.Knowledge, after, pageSize, ReadKnowledge), cancellationToken);

    /// <inheritdoc />
    protected override Task ImportSessionHeadCoreAsync(AgentSession head, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            var existing = LoadSession(head.SessionId);
            Rewrite(head, existing?.Messages ?? [], existing?.Runs.Values.ToList() ?? [], existing?.RunCount ?? 0, existing?.MessageCount ?? 0);
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>The session is written anew (log and head) with the rows merged in by sequence: one atomic step, whose cost grows with the session.</remarks>
    protected override Task<bool> ImportSessionMessagesCoreAsync(string sessionId, IReadOnlyList<SessionMessageRow> messages, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            if (LoadSession(sessionId) is not { } existing)
            {
                return false;
            }

            var merged = existing.Messages.ToDictionary(m => m.Sequence);
            foreach (var row in messages)
            {
                merged[row.Sequence] = new JsonLogMessage
                {
                    Sequence = row.Sequence,
                    Turn = row.Turn,
                    RunId = row.RunId,
                    InHistory = row.InHistory,
                    Message = StorageJson.SerializeMessageToElement(row.Message),
                };
            }

            Rewrite(existing.Head, merged.Values.OrderBy(m => m.Sequence).ToList(), existing.Runs.Values,
                Math.Max(existing.RunCount, messages.Max(m => m.Turn)), Math.Max(existing.MessageCount, messages.Max(m => m.Sequence)));
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>The session is written anew with the runs merged in by run id.</remarks>
    protected override Task<bool> ImportSessionRunsCoreAsync(string sessionId, IReadOnlyList<SessionRunRow> runs, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            if (LoadSession(sessionId) is not { } existing)
            {
                return false;
            }

            var merged = new Dictionary<string, JsonLogRun>(existing.Runs, StringComparer.Ordinal);
            foreach (var (run, count) in runs)
            {
                merged[run.RunId] = new JsonLogRun { Run = run, MessageCount = count };
            }

            Rewrite(existing.Head, existing.Messages, merged.Values, Math.Max(existing.RunCount, runs.Max(r => r.Run.Sequence)), existing.MessageCount);
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task ImportUserMemoriesCoreAsync(IReadOnlyList<UserMemory> userMemories, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            foreach (var memory in userMemories)
            {
                JsonFiles.ReplaceAtomically(JsonFiles.Record(UserMemoryDirectory, memory.UserId), JsonRecords.Serialize(memory));
            }

            return true;
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task ImportKnowledgeContentsCoreAsync(IReadOnlyList<KnowledgeRow> rows, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            foreach (var row in rows)
            {
                JsonFiles.ReplaceAtomically(JsonFiles.Record(KnowledgeDirectory, row.Id), JsonRecords.Serialize(row));
            }

            return true;
        }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>The three directories; JSON files have no stored schema version.</remarks>
    protected override Task<StorageSchemaReport> DescribeSchemaCoreAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new StorageSchemaReport(null, null,
            [.. new[] { SessionDirectory, UserMemoryDirectory, KnowledgeDirectory }.Select(d => new StorageSchemaObject("directory", d, Directory.Exists(d)))]));

    /// <summary>Writes a session anew (log and head) from its head and rows, keeping the head's timestamps.</summary>
    private void Rewrite(AgentSession head, IReadOnlyCollection<JsonLogMessage> messages, IEnumerable<JsonLogRun> runs, long runCount, long messageCount)
    {
        var copy = SessionRows.CopyHead(head);
        var entry = new JsonLogEntry
        {
            Number = 1,
            Runs = [.. runs],
            Messages = [.. messages],
            RunCount = runCount,
            MessageCount = messageCount,
            Usage = copy.Usage,
            AgentData = copy.AgentData,
            UpdatedAt = copy.UpdatedAt,
        };
        _recent = JsonSession.Create(SessionDirectory, copy, entry);
    }

    /// <summary>One page of records kept one per file, by file name; a file read as null (gone or expired) is skipped.</summary>
    private static StorePage<T> FilePage<T>(string directory, string suffix, string listing, PageCursor? after, int pageSize, Func<string, T?> read)
        where T : class
    {
        var names = JsonFiles.List(directory, suffix).Select(Path.GetFileName).OfType<string>()
            .Where(n => after is null || string.CompareOrdinal(n, after.Key) > 0).Order(StringComparer.Ordinal).Take(pageSize).ToList();
        var page = new StorePageBuilder<T>(listing, pageSize);
        foreach (var name in names)
        {
            T? record;
            try
            {
                record = read(Path.Combine(directory, name));
            }
            catch (StorageException ex) when (ex.IsCorruptData)
            {
                page.Add(name, 0, () => throw ex);
                continue;
            }

            if (record is not null)
            {
                page.Add(name, 0, () => record);
            }
        }

        var built = page.Build();
        return built with { NextCursor = names.Count < pageSize ? null : new PageCursor(listing, names[^1], 0).Encode() };
    }
}
