namespace Upsonic.Storage.Backends;

// Streaming a store in pages (export, import, migrate): the public members check cursors, page sizes and rows before any I/O,
// fill missing import timestamps, and call the core members a backend implements.
public abstract partial class StorageBase
{
    /// <inheritdoc />
    public Task<StorePage<AgentSession>> GetSessionHeadsPageAsync(string? cursor, int pageSize, CancellationToken cancellationToken = default)
    {
        var after = PageCursor.Decode(cursor, PageCursor.Sessions, nameof(cursor));
        StorageArguments.PageSize(pageSize, nameof(pageSize));
        return ExecuteAsync("GetSessionHeadsPage", after?.Key, needsSchema: true, ct => ReportedAsync("GetSessionHeadsPage", GetSessionHeadsPageCoreAsync(after, pageSize, ct)), cancellationToken);
    }

    /// <inheritdoc />
    public Task<StorePage<SessionMessageRow>> GetSessionMessagesPageAsync(string sessionId, string? cursor, int pageSize, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(sessionId, nameof(sessionId));
        var after = PageCursor.DecodeSequence(cursor, PageCursor.Messages, sessionId, nameof(cursor));
        StorageArguments.PageSize(pageSize, nameof(pageSize));
        return ExecuteAsync("GetSessionMessagesPage", sessionId, needsSchema: true, ct => ReportedAsync("GetSessionMessagesPage", GetSessionMessagesPageCoreAsync(sessionId, after, pageSize, ct)), cancellationToken);
    }

    /// <inheritdoc />
    public Task<StorePage<SessionRunRow>> GetSessionRunsPageAsync(string sessionId, string? cursor, int pageSize, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(sessionId, nameof(sessionId));
        var after = PageCursor.DecodeSequence(cursor, PageCursor.Runs, sessionId, nameof(cursor));
        StorageArguments.PageSize(pageSize, nameof(pageSize));
        return ExecuteAsync("GetSessionRunsPage", sessionId, needsSchema: true, ct => ReportedAsync("GetSessionRunsPage", GetSessionRunsPageCoreAsync(sessionId, after, pageSize, ct)), cancellationToken);
    }

    /// <inheritdoc />
    public Task<SessionRowCounts?> CountSessionRowsAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(sessionId, nameof(sessionId));
        return ExecuteAsync("CountSessionRows", sessionId, needsSchema: true, ct => CountSessionRowsCoreAsync(sessionId, ct), cancellationToken);
    }

    /// <inheritdoc />
    public Task<StorePage<UserMemory>> GetUserMemoriesPageAsync(string? cursor, int pageSize, CancellationToken cancellationToken = default)
    {
        var after = PageCursor.Decode(cursor, PageCursor.UserMemories, nameof(cursor));
        StorageArguments.PageSize(pageSize, nameof(pageSize));
        return ExecuteAsync("GetUserMemoriesPage", after?.Key, needsSchema: true, ct => ReportedAsync("GetUserMemoriesPage", GetUserMemoriesPageCoreAsync(after, pageSize, ct)), cancellationToken);
    }

    /// <inheritdoc />
    public Task<StorePage<KnowledgeRow>> GetKnowledgeContentsPageAsync(string? cursor, int pageSize, CancellationToken cancellationToken = default)
    {
        var after = PageCursor.Decode(cursor, PageCursor.Knowledge, nameof(cursor));
        StorageArguments.PageSize(pageSize, nameof(pageSize));
        return ExecuteAsync("GetKnowledgeContentsPage", after?.Key, needsSchema: true, ct => ReportedAsync("GetKnowledgeContentsPage", GetKnowledgeContentsPageCoreAsync(after, pageSize, ct)), cancellationToken);
    }

    /// <inheritdoc />
    public Task ImportSessionHeadAsync(AgentSession session, CancellationToken cancellationToken = default)
    {
        StorageArguments.ImportedHead(session, nameof(session));
        CheckWriteLimits(session, nameof(session));
        var now = StorageClock.Now();
        var head = SessionRows.CopyHead(session);
        head.CreatedAt = StorageClock.Truncate(session.CreatedAt ?? now);
        head.UpdatedAt = StorageClock.Truncate(session.UpdatedAt ?? now);
        return ExecuteAsync("ImportSessionHead", session.SessionId, needsSchema: true, async ct =>
        {
            await ImportSessionHeadCoreAsync(head, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> ImportSessionMessagesAsync(string sessionId, IReadOnlyList<SessionMessageRow> messages, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(sessionId, nameof(sessionId));
        var rows = StorageArguments.MessageRows(messages, nameof(messages)).OrderBy(r => r.Sequence).ToList();
        return await ExecuteAsync("ImportSessionMessages", sessionId, needsSchema: true,
            ct => rows.Count == 0 ? SessionExistsCoreAsync(sessionId, ct) : ImportSessionMessagesCoreAsync(sessionId, rows, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> ImportSessionRunsAsync(string sessionId, IReadOnlyList<SessionRunRow> runs, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(sessionId, nameof(sessionId));
        StorageArguments.RunRows(runs, sessionId, nameof(runs));
        var rows = runs.OrderBy(r => r.Run.Sequence).Select(r =>
        {
            var run = SessionRows.Copy(r.Run, withMessages: false);
            run.SessionId = sessionId;
            run.CreatedAt = r.Run.CreatedAt is { } created ? StorageClock.Truncate(created) : null;
            run.UpdatedAt = r.Run.UpdatedAt is { } updated ? StorageClock.Truncate(updated) : null;
            return new SessionRunRow(run, r.MessageCount);
        }).ToList();
        return await ExecuteAsync("ImportSessionRuns", sessionId, needsSchema: true,
            ct => rows.Count == 0 ? SessionExistsCoreAsync(sessionId, ct) : ImportSessionRunsCoreAsync(sessionId, rows, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task ImportUserMemoriesAsync(IReadOnlyList<UserMemory> userMemories, CancellationToken cancellationToken = default)
    {
        StorageArguments.ImportedUserMemories(userMemories, nameof(userMemories));
        if (userMemories.Count == 0)
        {
            return;
        }

        var now = StorageClock.Now();
        var copies = userMemories.Select(m => new UserMemory
        {
            UserId = m.UserId,
            Profile = (System.Text.Json.Nodes.JsonObject)m.Profile.DeepClone(),
            AgentId = m.AgentId,
            TeamId = m.TeamId,
            CreatedAt = StorageClock.Truncate(m.CreatedAt ?? now),
            UpdatedAt = StorageClock.Truncate(m.UpdatedAt ?? now),
        }).ToList();
        await ExecuteAsync("ImportUserMemories", null, needsSchema: true, async ct =>
        {
            await ImportUserMemoriesCoreAsync(copies, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task ImportKnowledgeContentsAsync(IReadOnlyList<KnowledgeRow> rows, CancellationToken cancellationToken = default)
    {
        StorageArguments.ImportedKnowledgeRows(rows, nameof(rows));
        if (rows.Count == 0)
        {
            return;
        }

        var now = StorageClock.Now();
        var copies = rows.Select(r => new KnowledgeRow
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
            CreatedAt = StorageClock.Truncate(r.CreatedAt ?? now),
            UpdatedAt = StorageClock.Truncate(r.UpdatedAt ?? now),
        }).ToList();
        await ExecuteAsync("ImportKnowledgeContents", null, needsSchema: true, async ct =>
        {
            await ImportKnowledgeContentsCoreAsync(copies, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<StorageSchemaReport> DescribeSchemaAsync(CancellationToken cancellationToken = default) =>
        ExecuteAsync("DescribeSchema", null, needsSchema: false, DescribeSchemaCoreAsync, cancellationToken);

    /// <summary>Reads at most <paramref name="pageSize"/> session heads after <paramref name="after"/> in the backend's keyset order
    /// (build the page with <see cref="StorePageBuilder{T}"/>, listing <see cref="PageCursor.Sessions"/>).</summary>
    /// <param name="after">The position of the last head of the previous page (as this backend encoded it), or <see langword="null"/> for the first page.</param>
    /// <param name="pageSize">From 1 to <see cref="StorageArguments.MaxPageSize"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    protected virtual Task<StorePage<AgentSession>> GetSessionHeadsPageCoreAsync(PageCursor? after, int pageSize, CancellationToken cancellationToken) =>
        throw PagingNotSupported();

    /// <summary>Reads at most <paramref name="pageSize"/> message rows with a sequence greater than <paramref name="afterSequence"/>, by
    /// sequence (listing <see cref="PageCursor.Messages"/>, key the session id, position the sequence).</summary>
    /// <param name="sessionId">A valid session id.</param>
    /// <param name="afterSequence">0 for the first page.</param>
    /// <param name="pageSize">From 1 to <see cref="StorageArguments.MaxPageSize"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    protected virtual Task<StorePage<SessionMessageRow>> GetSessionMessagesPageCoreAsync(string sessionId, long afterSequence, int pageSize, CancellationToken cancellationToken) =>
        throw PagingNotSupported();

    /// <summary>Reads at most <paramref name="pageSize"/> run rows with a sequence greater than <paramref name="afterSequence"/>, by
    /// sequence (listing <see cref="PageCursor.Runs"/>, key the session id, position the run sequence).</summary>
    /// <param name="sessionId">A valid session id.</param>
    /// <param name="afterSequence">0 for the first page.</param>
    /// <param name="pageSize">From 1 to <see cref="StorageArguments.MaxPageSize"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    protected virtual Task<StorePage<SessionRunRow>> GetSessionRunsPageCoreAsync(string sessionId, long afterSequence, int pageSize, CancellationToken cancellationToken) =>
        throw PagingNotSupported();

    /// <summary>Counts a session's message rows, history messages and runs; <see langword="null"/> when the session does not exist.</summary>
    /// <param name="sessionId">A valid session id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    protected virtual Task<SessionRowCounts?> CountSessionRowsCoreAsync(string sessionId, CancellationToken cancellationToken) =>
        throw PagingNotSupported();

    /// <summary>Reads at most <paramref name="pageSize"/> profiles after <paramref name="after"/> in the backend's keyset order (listing <see cref="PageCursor.UserMemories"/>).</summary>
    /// <param name="after">The position of the last profile of the previous page, or <see langword="null"/>.</param>
    /// <param name="pageSize">From 1 to <see cref="StorageArguments.MaxPageSize"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    protected virtual Task<StorePage<UserMemory>> GetUserMemoriesPageCoreAsync(PageCursor? after, int pageSize, CancellationToken cancellationToken) =>
        throw PagingNotSupported();

    /// <summary>Reads at most <paramref name="pageSize"/> knowledge rows after <paramref name="after"/> in the backend's keyset order (listing <see cref="PageCursor.Knowledge"/>).</summary>
    /// <param name="after">The position of the last row of the previous page, or <see langword="null"/>.</param>
    /// <param name="pageSize">From 1 to <see cref="StorageArguments.MaxPageSize"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    protected virtual Task<StorePage<KnowledgeRow>> GetKnowledgeContentsPageCoreAsync(PageCursor? after, int pageSize, CancellationToken cancellationToken) =>
        throw PagingNotSupported();

    /// <summary>Writes a head exactly as given (both timestamps set), creating the session or replacing an existing head's fields
    /// while keeping its rows and its counters.</summary>
    /// <param name="head">A checked head copy, without messages or runs, with created_at and updated_at set.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    protected virtual Task ImportSessionHeadCoreAsync(AgentSession head, CancellationToken cancellationToken) =>
        throw PagingNotSupported();

    /// <summary>Writes message rows of an existing session by sequence (insert or replace) in one atomic step, and raises the
    /// session's message counter to the highest sequence and its run counter to the highest turn; head fields stay. Returns
    /// <see langword="false"/>, writing nothing, when the session does not exist.</summary>
    /// <param name="sessionId">A valid session id.</param>
    /// <param name="messages">One to <see cref="StorageArguments.MaxPageSize"/> checked rows, by sequence.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    protected virtual Task<bool> ImportSessionMessagesCoreAsync(string sessionId, IReadOnlyList<SessionMessageRow> messages, CancellationToken cancellationToken) =>
        throw PagingNotSupported();

    /// <summary>Writes run records of an existing session by run id (insert or replace; the run-id index kept for
    /// <see cref="IStorage.FindRunAsync"/>) in one atomic step, and raises the session's run counter to the highest sequence; head
    /// fields stay. Returns <see langword="false"/>, writing nothing, when the session does not exist.</summary>
    /// <param name="sessionId">A valid session id.</param>
    /// <param name="runs">One to <see cref="StorageArguments.MaxPageSize"/> checked copies, by sequence, with the session id set and the timestamps as given (a run written whole through the record API may have none).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    protected virtual Task<bool> ImportSessionRunsCoreAsync(string sessionId, IReadOnlyList<SessionRunRow> runs, CancellationToken cancellationToken) =>
        throw PagingNotSupported();

    /// <summary>Whether the session exists (an import call with no rows answers with it).</summary>
    /// <param name="sessionId">A valid session id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    protected virtual async Task<bool> SessionExistsCoreAsync(string sessionId, CancellationToken cancellationToken) =>
        await CountSessionRowsCoreAsync(sessionId, cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>Writes profiles exactly as given (both timestamps set), inserting or replacing by user id.</summary>
    /// <param name="userMemories">One to <see cref="StorageArguments.MaxPageSize"/> checked copies with distinct user ids.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    protected virtual Task ImportUserMemoriesCoreAsync(IReadOnlyList<UserMemory> userMemories, CancellationToken cancellationToken) =>
        throw PagingNotSupported();

    /// <summary>Writes knowledge rows exactly as given (both timestamps set), inserting or replacing by id.</summary>
    /// <param name="rows">One to <see cref="StorageArguments.MaxPageSize"/> checked copies with distinct ids.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    protected virtual Task ImportKnowledgeContentsCoreAsync(IReadOnlyList<KnowledgeRow> rows, CancellationToken cancellationToken) =>
        throw PagingNotSupported();

    /// <summary>Reports the stored schema version and the expected tables, indexes or keys, without creating anything. The default
    /// (a backend without a stored schema) reports no version and no objects.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    protected virtual Task<StorageSchemaReport> DescribeSchemaCoreAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new StorageSchemaReport(null, null, []));

    private NotSupportedException PagingNotSupported() =>
        new($"{GetType().Name} does not implement reading and writing a store in pages (the paging core members of StorageBase).");
}
