namespace Upsonic.Storage;

// Streaming the store in pages: sessions, profiles and knowledge rows by file name (a hash of the id, so the order is stable and
// says nothing about the ids), a session's rows by sequence read line by line from its log, and imports that append the rows not
// stored as given to the session's log (one line per page), so memory follows the page, not the session.
public sealed partial class JsonStorage
{
    /// <inheritdoc />
    /// <remarks>Lists the session directory's file names and reads the page's sessions, one at a time and without their rows.</remarks>
    protected override Task<StorePage<AgentSession>> GetSessionHeadsPageCoreAsync(PageCursor? after, int pageSize, CancellationToken cancellationToken) =>
        LockedAsync(() => FilePage(SessionDirectory, ".log.jsonl", PageCursor.Sessions, after, pageSize, path =>
            Unexpired(JsonSession.LoadLog(SessionDirectory, path, rows: false)) is { } session ? SessionRows.CopyHead(session.Head) : null), cancellationToken);

    /// <inheritdoc />
    /// <remarks>Reads the session's log line by line, keeping only the page's rows (the lowest sequences after
    /// <paramref name="afterSequence"/>, a sequence written again taken from its last line).</remarks>
    protected override Task<StorePage<SessionMessageRow>> GetSessionMessagesPageCoreAsync(string sessionId, long afterSequence, int pageSize, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            var kept = LowestRows<JsonLogMessage>(sessionId, afterSequence, pageSize, l => (l.MinMessage, l.MaxMessage), e => e.Messages.Where(m => m.Sequence > afterSequence).Select(m => (m.Sequence, m)));
            var page = new StorePageBuilder<SessionMessageRow>(PageCursor.Messages, pageSize);
            foreach (var m in kept)
            {
                page.Add(sessionId, m.Sequence, () => new SessionMessageRow(
                    m.Sequence, m.Turn, m.RunId, m.InHistory, StorageJson.DeserializeMessage(m.Message.GetRawText(), sessionId, m.Sequence)));
            }

            return page.Build();
        }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>Reads the session's log line by line, keeping only the page's runs.</remarks>
    protected override Task<StorePage<SessionRunRow>> GetSessionRunsPageCoreAsync(string sessionId, long afterSequence, int pageSize, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            var kept = LowestRows<JsonLogRun>(sessionId, afterSequence, pageSize, l => (l.MinRun, l.MaxRun), e => e.Runs.Where(r => r.Run.Sequence > afterSequence).Select(r => (r.Run.Sequence, r)));
            var page = new StorePageBuilder<SessionRunRow>(PageCursor.Runs, pageSize);
            foreach (var run in kept)
            {
                page.Add(sessionId, run.Run.Sequence, () => new SessionRunRow(SessionRows.Copy(run.Run, withMessages: false), run.MessageCount));
            }

            return page.Build();
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<SessionRowCounts?> CountSessionRowsCoreAsync(string sessionId, CancellationToken cancellationToken) =>
        LockedAsync(() => LoadSessionWithoutRows(sessionId)?.RowCounts(), cancellationToken);

    /// <inheritdoc />
    protected override Task<StorePage<UserMemory>> GetUserMemoriesPageCoreAsync(PageCursor? after, int pageSize, CancellationToken cancellationToken) =>
        LockedAsync(() => FilePage(UserMemoryDirectory, ".json", PageCursor.UserMemories, after, pageSize, path => ReadUserMemoryFile(path, null)), cancellationToken);

    /// <inheritdoc />
    protected override Task<StorePage<KnowledgeRow>> GetKnowledgeContentsPageCoreAsync(PageCursor? after, int pageSize, CancellationToken cancellationToken) =>
        LockedAsync(() => FilePage(KnowledgeDirectory, ".json", PageCursor.Knowledge, after, pageSize, ReadKnowledge), cancellationToken);

    /// <inheritdoc />
    /// <remarks>A new session is written with no rows; an existing one gets the head's fields and keeps its rows (one line appended
    /// with the head's usage, agent data and update time, then the head file).</remarks>
    protected override Task ImportSessionHeadCoreAsync(AgentSession head, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            var copy = SessionRows.CopyHead(head);
            if (LoadSessionWithoutRows(head.SessionId) is not { } existing)
            {
                JsonSession.Create(SessionDirectory, copy, ImportEntry(1, copy, 0, 0));
                return true;
            }

            existing.ReplaceHead(copy);
            existing.Append(ImportEntry(existing.NextEntry, copy, existing.RunCount, existing.MessageCount));
            existing.WriteHead();
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>The rows that are not stored as given (a new sequence, or a stored one whose message, turn, run or history flag
    /// differs) are appended to the session's log as one line, which replaces the stored ones; rows stored as given are skipped,
    /// so importing a page again adds nothing. The cost follows the page: only the log lines that can hold its sequences are
    /// parsed (and the whole log once, the first time).</remarks>
    protected override Task<bool> ImportSessionMessagesCoreAsync(string sessionId, IReadOnlyList<SessionMessageRow> messages, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            if (LoadSessionWithoutRows(sessionId) is not { } existing)
            {
                return false;
            }

            var stored = StoredMessages(existing, messages);
            var entry = ImportEntry(existing.NextEntry, existing.Head,
                Math.Max(existing.RunCount, messages.Max(m => m.Turn)), Math.Max(existing.MessageCount, messages.Max(m => m.Sequence)));
            entry.Messages.AddRange(messages
                .Select(row => JsonLogMessage.Of(row.Sequence, row.Turn, row.RunId, row.InHistory, row.Message))
                .Where(line => !stored.TryGetValue(line.Sequence, out var old) || !SameMessage(old, line)));
            AppendIfChanged(existing, entry);
            return true;
        }, cancellationToken);

    /// <summary>The stored lines of the sequences <paramref name="rows"/> holds (the last line of each), read from the log lines
    /// whose sequence range can hold them.</summary>
    private static Dictionary<long, JsonLogMessage> StoredMessages(JsonSession session, IReadOnlyList<SessionMessageRow> rows)
    {
        var wanted = rows.Where(r => session.HasMessage(r.Sequence)).Select(r => r.Sequence).ToHashSet();
        var stored = new Dictionary<long, JsonLogMessage>();
        if (wanted.Count == 0)
        {
            return stored;
        }

        var (min, max) = (wanted.Min(), wanted.Max());
        session.VisitEntries(line => line.MaxMessage >= min && line.MinMessage <= max, entry =>
        {
            foreach (var message in entry.Messages.Where(m => wanted.Contains(m.Sequence)))
            {
                stored[message.Sequence] = message;
            }
        });
        return stored;
    }

    private static bool SameMessage(JsonLogMessage stored, JsonLogMessage imported) =>
        stored.Turn == imported.Turn && stored.RunId == imported.RunId && stored.InHistory == imported.InHistory &&
        stored.Message.GetRawText() == imported.Message.GetRawText();

    /// <inheritdoc />
    /// <remarks>The runs whose id is not stored yet are appended to the session's log as one line; runs already stored are skipped.</remarks>
    protected override Task<bool> ImportSessionRunsCoreAsync(string sessionId, IReadOnlyList<SessionRunRow> runs, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            if (LoadSessionWithoutRows(sessionId) is not { } existing)
            {
                return false;
            }

            var entry = ImportEntry(existing.NextEntry, existing.Head, Math.Max(existing.RunCount, runs.Max(r => r.Run.Sequence)), existing.MessageCount);
            entry.Runs.AddRange(runs.Where(r => !existing.HasRun(r.Run.RunId)).Select(r => new JsonLogRun { Run = r.Run, MessageCount = r.MessageCount }));
            AppendIfChanged(existing, entry);
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

    /// <summary>An import's log line without rows: the given counters, and the head's usage, agent data and update time.</summary>
    private static JsonLogEntry ImportEntry(long number, AgentSession head, long runCount, long messageCount) => new()
    {
        Number = number,
        RunCount = runCount,
        MessageCount = messageCount,
        Usage = head.Usage,
        AgentData = head.AgentData,
        UpdatedAt = head.UpdatedAt,
    };

    /// <summary>Appends <paramref name="entry"/> unless it adds no row and changes no counter (an import of rows already stored).</summary>
    private static void AppendIfChanged(JsonSession session, JsonLogEntry entry)
    {
        if (entry.Messages.Count > 0 || entry.Runs.Count > 0 || entry.RunCount != session.RunCount || entry.MessageCount != session.MessageCount)
        {
            session.Append(entry);
        }
    }

    /// <summary>
    /// The <paramref name="pageSize"/> rows of lowest key after <paramref name="afterKey"/> among those <paramref name="rows"/>
    /// picks from each log entry of the session (a key seen again is the later line's); empty when the session does not exist.
    /// Only the lines whose key range (<paramref name="range"/>) can hold such a row are parsed.
    /// </summary>
    private List<T> LowestRows<T>(string sessionId, long afterKey, int pageSize, Func<JsonLogIndexEntry, (long Min, long Max)> range,
        Func<JsonLogEntry, IEnumerable<(long Key, T Row)>> rows)
    {
        if (LoadSessionWithoutRows(sessionId) is not { } session)
        {
            return [];
        }

        var kept = new SortedList<long, T>();
        session.VisitEntries(
            line => range(line) is var (min, max) && max > afterKey && (kept.Count < pageSize || min <= kept.Keys[^1]),
            entry =>
            {
                foreach (var (key, row) in rows(entry))
                {
                    if (kept.Count < pageSize || key <= kept.Keys[^1])
                    {
                        kept[key] = row;
                        if (kept.Count > pageSize)
                        {
                            kept.RemoveAt(kept.Count - 1);
                        }
                    }
                }
            });
        return [.. kept.Values];
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
