namespace Upsonic.Storage.Mem0;

// Streaming the store in pages. Mem0 lists one user's memories by metadata filter, by its own order, with no keyset over a
// field, so the keyset pages are cut here: a listing of heads, profiles or knowledge rows lists every main memory of its kind
// (metadata only) and decodes only the page's records; a session's messages and runs are read from its one session record.
public sealed partial class Mem0Storage
{
    /// <inheritdoc />
    /// <remarks>By session id (ordinal). Each page lists the main memory of every session (one platform call per 100 memories, at
    /// most about 2 KB of metadata each; a self-hosted server returns every memory of the Mem0 user, filtered here), then decodes
    /// the page's sessions only: a page costs time and memory linear in the number of sessions (self-hosted: in the size of the
    /// store), not in the page size.</remarks>
    protected override Task<StorePage<AgentSession>> GetSessionHeadsPageCoreAsync(PageCursor? after, int pageSize, CancellationToken cancellationToken) =>
        RecordsPageAsync(_sessions, main => !Expired(main), PageCursor.Sessions, "session_id", after, pageSize,
            record => SessionRows.CopyHead(Mem0SessionDocument.FromJson(record.Json, record.Id).Head), head => head.SessionId,
            cancellationToken);

    /// <inheritdoc />
    /// <remarks>Each page reads the whole session record (a Mem0 session is one record, as on every turn), so a page costs time and
    /// memory linear in the session's size; messages are deserialized for the page only.</remarks>
    protected override async Task<StorePage<SessionMessageRow>> GetSessionMessagesPageCoreAsync(string sessionId, long afterSequence, int pageSize, CancellationToken cancellationToken)
    {
        var (document, _) = await LoadSessionAsync(sessionId, cancellationToken).ConfigureAwait(false);
        var page = new StorePageBuilder<SessionMessageRow>(PageCursor.Messages, pageSize);
        foreach (var message in document?.Messages.Where(m => m.Seq > afterSequence).OrderBy(m => m.Seq).Take(pageSize) ?? [])
        {
            page.Add(sessionId, message.Seq, () =>
            {
                var row = document!.Read(message);
                return new SessionMessageRow(row.Sequence, row.Turn, row.RunId, row.InHistory, row.Message);
            });
        }

        return page.Build();
    }

    /// <inheritdoc />
    /// <remarks>Each page reads the whole session record, as <see cref="GetSessionMessagesPageCoreAsync"/> does.</remarks>
    protected override async Task<StorePage<SessionRunRow>> GetSessionRunsPageCoreAsync(string sessionId, long afterSequence, int pageSize, CancellationToken cancellationToken)
    {
        var (document, _) = await LoadSessionAsync(sessionId, cancellationToken).ConfigureAwait(false);
        var page = new StorePageBuilder<SessionRunRow>(PageCursor.Runs, pageSize);
        foreach (var run in document?.Runs.Where(r => r.Record.Sequence > afterSequence).OrderBy(r => r.Record.Sequence).Take(pageSize) ?? [])
        {
            page.Add(sessionId, run.Record.Sequence, () => new SessionRunRow(SessionRows.Copy(run.Record, withMessages: false), run.MessageCount));
        }

        return page.Build();
    }

    /// <inheritdoc />
    protected override async Task<SessionRowCounts?> CountSessionRowsCoreAsync(string sessionId, CancellationToken cancellationToken)
    {
        var (document, _) = await LoadSessionAsync(sessionId, cancellationToken).ConfigureAwait(false);
        return document is null ? null : new SessionRowCounts(document.Messages.Count, document.Messages.Count(m => m.InHistory), document.Runs.Count);
    }

    /// <inheritdoc />
    /// <remarks>By user id (ordinal), listed and decoded as <see cref="GetSessionHeadsPageCoreAsync"/> does.</remarks>
    protected override Task<StorePage<UserMemory>> GetUserMemoriesPageCoreAsync(PageCursor? after, int pageSize, CancellationToken cancellationToken) =>
        RecordsPageAsync(_userMemories, main => !Expired(main), PageCursor.UserMemories, "user_id", after, pageSize, Deserialize<UserMemory>, m => m.UserId, cancellationToken);

    /// <inheritdoc />
    /// <remarks>By id (ordinal), listed and decoded as <see cref="GetSessionHeadsPageCoreAsync"/> does.</remarks>
    protected override Task<StorePage<KnowledgeRow>> GetKnowledgeContentsPageCoreAsync(PageCursor? after, int pageSize, CancellationToken cancellationToken) =>
        RecordsPageAsync(_knowledge, _ => true, PageCursor.Knowledge, "document_id", after, pageSize, Deserialize<KnowledgeRow>, r => r.Id, cancellationToken);

    /// <inheritdoc />
    protected override Task ImportSessionHeadCoreAsync(AgentSession head, CancellationToken cancellationToken) =>
        UnderGateAsync(_sessions, head.SessionId, async () =>
        {
            var (document, record) = await LoadSessionAsync(head.SessionId, cancellationToken).ConfigureAwait(false);
            document ??= new Mem0SessionDocument { Head = head };
            document.Head = head;
            await SaveSessionAsync(document, record, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>One read-modify-write of the session record (atomic as every Mem0 write here: the main memory is pointed at the
    /// new payload in one update).</remarks>
    protected override Task<bool> ImportSessionMessagesCoreAsync(string sessionId, IReadOnlyList<SessionMessageRow> messages, CancellationToken cancellationToken)
    {
        var rows = messages.Select(m => new Mem0SessionDocument.StoredMessage(m.Sequence, m.Turn, m.RunId, m.InHistory, StorageJson.SerializeMessage(m.Message))).ToList();
        var sequences = rows.Select(r => r.Seq).ToHashSet();
        return ChangeSessionRowsAsync(sessionId, document =>
        {
            document.Messages.RemoveAll(m => sequences.Contains(m.Seq));
            document.Messages.AddRange(rows);
            document.Messages.Sort((a, b) => a.Seq.CompareTo(b.Seq));
            document.MessageCount = Math.Max(document.MessageCount, rows.Max(r => r.Seq));
            document.RunCount = Math.Max(document.RunCount, rows.Max(r => r.Turn));
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>One read-modify-write of the session record, as <see cref="ImportSessionMessagesCoreAsync"/>.</remarks>
    protected override Task<bool> ImportSessionRunsCoreAsync(string sessionId, IReadOnlyList<SessionRunRow> runs, CancellationToken cancellationToken)
    {
        var ids = runs.Select(r => r.Run.RunId).ToHashSet(StringComparer.Ordinal);
        return ChangeSessionRowsAsync(sessionId, document =>
        {
            document.Runs.RemoveAll(r => ids.Contains(r.Record.RunId));
            document.Runs.AddRange(runs.Select(r => new Mem0SessionDocument.StoredRun { Record = r.Run, MessageCount = r.MessageCount }));
            document.Runs.Sort((a, b) => a.Record.Sequence.CompareTo(b.Record.Sequence));
            document.RunCount = Math.Max(document.RunCount, runs.Max(r => r.Run.Sequence));
        }, cancellationToken);
    }

    /// <inheritdoc />
    protected override Task ImportUserMemoriesCoreAsync(IReadOnlyList<UserMemory> userMemories, CancellationToken cancellationToken) =>
        ReplaceRecordsAsync(_userMemories, userMemories, m => m.UserId, WriteUserMemoryAsync, cancellationToken);

    /// <inheritdoc />
    protected override Task ImportKnowledgeContentsCoreAsync(IReadOnlyList<KnowledgeRow> rows, CancellationToken cancellationToken) =>
        ReplaceRecordsAsync(_knowledge, rows, r => r.Id, WriteKnowledgeAsync, cancellationToken);

    /// <summary>Writes each item as given over its record (found by id), one read-modify-write under the record's gate each.</summary>
    private async Task ReplaceRecordsAsync<T>(Mem0Records records, IReadOnlyList<T> items, Func<T, string> idOf,
        Func<T, Mem0StoredRecord?, CancellationToken, Task> write, CancellationToken ct)
    {
        foreach (var item in items)
        {
            await UnderGateAsync(records, idOf(item), async () =>
            {
                var existing = await records.GetAsync(idOf(item), ct).ConfigureAwait(false);
                await write(item, existing, ct).ConfigureAwait(false);
                return true;
            }, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Applies an import to an existing session's rows and counters (head fields stay) and writes it; false when the session does not exist.</summary>
    private Task<bool> ChangeSessionRowsAsync(string sessionId, Action<Mem0SessionDocument> change, CancellationToken ct) =>
        UnderGateAsync(_sessions, sessionId, async () =>
        {
            var (document, record) = await LoadSessionAsync(sessionId, ct).ConfigureAwait(false);
            if (document is null)
            {
                return false;
            }

            change(document);
            await SaveSessionAsync(document, record, ct).ConfigureAwait(false);
            return true;
        }, ct);

    /// <summary>
    /// One keyset page of the records of <paramref name="records"/> by id (ordinal): the main memories are listed (those that pass
    /// <paramref name="include"/>: the unexpired ones), keyed by the
    /// <paramref name="idField"/> metadata field (or, for an id too long for metadata, by the decoded record), and only the
    /// records of the page are decoded; one that cannot be read is reported in the page.
    /// </summary>
    private static async Task<StorePage<T>> RecordsPageAsync<T>(Mem0Records records, Func<Mem0Memory, bool> include, string listing, string idField, PageCursor? after, int pageSize,
        Func<Mem0StoredRecord, T> read, Func<T, string> idOf, CancellationToken ct)
    {
        var keyed = new List<(string Key, Mem0Memory Main)>();
        foreach (var main in (await records.ListMainsAsync(ct).ConfigureAwait(false)).Where(include))
        {
            keyed.Add((Mem0Envelope.Text(main.Metadata[idField]) ?? await LongIdAsync(records, main, read, idOf, ct).ConfigureAwait(false), main));
        }

        var page = new StorePageBuilder<T>(listing, pageSize);
        foreach (var (key, main) in keyed.Where(k => after is null || string.CompareOrdinal(k.Key, after.Key) > 0).OrderBy(k => k.Key, StringComparer.Ordinal).Take(pageSize))
        {
            Mem0StoredRecord? record = null;
            StorageException? unreadable = null;
            try
            {
                record = await records.ReadAsync(main, ct).ConfigureAwait(false);
            }
            catch (StorageException ex) when (ex.IsCorruptData)
            {
                unreadable = ex;
            }

            page.Add(key, 0, () => record is null ? throw unreadable! : read(record));
        }

        return page.Build();
    }

    /// <summary>The id of a record whose id was too long to keep in metadata, from its payload; the memory id when the payload cannot be read.</summary>
    private static async Task<string> LongIdAsync<T>(Mem0Records records, Mem0Memory main, Func<Mem0StoredRecord, T> read, Func<T, string> idOf, CancellationToken ct)
    {
        try
        {
            return idOf(read(await records.ReadAsync(main, ct).ConfigureAwait(false)));
        }
        catch (StorageException ex) when (ex.IsCorruptData)
        {
            return main.UpsonicId ?? main.Id;
        }
    }
}
