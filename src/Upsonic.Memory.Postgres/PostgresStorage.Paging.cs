using System.Data.Common;
using Npgsql;
using P = Upsonic.Storage.Postgres.PostgresParameters;

namespace Upsonic.Storage.Postgres;

/// <summary>Streaming the store in pages: keyset reads along primary keys, imports that insert or replace rows by key, the schema report.</summary>
public sealed partial class PostgresStorage
{
    private PostgresPagingStatements? _paging;

    private PostgresPagingStatements Paging => _paging ??= new PostgresPagingStatements(_schema);

    /// <inheritdoc />
    /// <remarks>By session id, in the primary-key index's order (the column's collation).</remarks>
    protected override Task<StorePage<AgentSession>> GetSessionHeadsPageCoreAsync(PageCursor? after, int pageSize, CancellationToken cancellationToken) =>
        ReadPageAsync(Paging.SelectHeads, PageCursor.Sessions, after?.Key, pageSize, PostgresMapping.ReadHead, cancellationToken);

    /// <inheritdoc />
    protected override Task<StorePage<SessionMessageRow>> GetSessionMessagesPageCoreAsync(string sessionId, long afterSequence, int pageSize, CancellationToken cancellationToken) =>
        WithConnectionAsync(async (connection, ct) =>
        {
            var page = new StorePageBuilder<SessionMessageRow>(PageCursor.Messages, pageSize);
            await using var command = Command(connection, Paging.SelectMessages, P.Text(sessionId), P.Long(afterSequence), P.Int(pageSize));
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var seq = reader.GetInt64(0);
                page.Add(sessionId, seq, () => new SessionMessageRow(
                    seq, reader.GetInt64(1), PostgresMapping.Text(reader, 2), reader.GetBoolean(3),
                    StorageJson.DeserializeMessage(reader.GetString(4), sessionId, seq)));
            }

            return page.Build();
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<StorePage<SessionRunRow>> GetSessionRunsPageCoreAsync(string sessionId, long afterSequence, int pageSize, CancellationToken cancellationToken) =>
        WithConnectionAsync(async (connection, ct) =>
        {
            var page = new StorePageBuilder<SessionRunRow>(PageCursor.Runs, pageSize);
            await using var command = Command(connection, Paging.SelectRuns, P.Text(sessionId), P.Long(afterSequence), P.Int(pageSize));
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                page.Add(sessionId, reader.GetInt64(2), () =>
                    new SessionRunRow(PostgresMapping.ReadRun(reader), reader.GetInt32(PostgresMapping.RunMessageCountOrdinal)));
            }

            return page.Build();
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<SessionRowCounts?> CountSessionRowsCoreAsync(string sessionId, CancellationToken cancellationToken) =>
        WithConnectionAsync(async (connection, ct) =>
        {
            await using var command = Command(connection, Paging.CountRows, P.Text(sessionId));
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false)
                ? new SessionRowCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2))
                : null;
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<StorePage<UserMemory>> GetUserMemoriesPageCoreAsync(PageCursor? after, int pageSize, CancellationToken cancellationToken) =>
        ReadPageAsync(Paging.SelectUserMemories, PageCursor.UserMemories, after?.Key, pageSize, PostgresMapping.ReadUserMemory, cancellationToken);

    /// <inheritdoc />
    protected override Task<StorePage<KnowledgeRow>> GetKnowledgeContentsPageCoreAsync(PageCursor? after, int pageSize, CancellationToken cancellationToken) =>
        ReadPageAsync(Paging.SelectKnowledge, PageCursor.Knowledge, after?.Key, pageSize, PostgresMapping.ReadKnowledge, cancellationToken);

    /// <inheritdoc />
    protected override Task ImportSessionHeadCoreAsync(AgentSession head, CancellationToken cancellationToken) =>
        WithConnectionAsync(async (connection, ct) =>
        {
            await using var command = Command(
                connection, Paging.ImportHead,
                P.Text(head.SessionId), P.Text(StoredNames.Of(head.SessionType)), P.Text(head.AgentId), P.Text(head.TeamId), P.Text(head.WorkflowId),
                P.Text(head.UserId), P.Jsonb(PostgresText.EncodeObject(head.SessionData)), P.Jsonb(PostgresText.EncodeObject(head.AgentData)),
                P.Jsonb(PostgresText.EncodeObject(head.Metadata)), P.Text(head.Summary), P.Long(head.SummaryWatermark),
                P.Jsonb(PostgresMapping.Usage(head.Usage)), P.Long(PostgresMapping.Millis(head.CreatedAt)), P.Long(PostgresMapping.Millis(head.UpdatedAt)),
                P.Long(HistoryEpoch.New()));
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>One statement: the head's counters raised, with a new history epoch (so a window mark held from before the import
    /// is not taken as covering rows it replaced), and the rows upserted with their token counts, only when the head exists.</remarks>
    protected override Task<bool> ImportSessionMessagesCoreAsync(string sessionId, IReadOnlyList<SessionMessageRow> messages, CancellationToken cancellationToken)
    {
        var serialized = messages.Select(r => StorageJson.SerializeMessage(r.Message)).ToArray();
        return WithConnectionAsync(async (connection, ct) =>
        {
            await using var command = Command(
                connection, Paging.ImportMessages,
                P.Text(sessionId), P.Long(messages.Max(r => r.Turn)), P.Long(messages.Max(r => r.Sequence)),
                P.LongArray(messages.Select(r => r.Sequence).ToArray()), P.LongArray(messages.Select(r => r.Turn).ToArray()),
                P.TextArray(messages.Select(r => r.RunId)), P.BoolArray(messages.Select(r => r.InHistory).ToArray()),
                P.RawTextArray(serialized), P.Long(HistoryEpoch.New()), P.IntArray(Array.ConvertAll(serialized, MessageTokens.Estimate)));
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>One transaction: the head's run counter raised (locking its row; nothing else when there is no head), then the runs upserted in one batch.</remarks>
    protected override Task<bool> ImportSessionRunsCoreAsync(string sessionId, IReadOnlyList<SessionRunRow> runs, CancellationToken cancellationToken) =>
        WithConnectionAsync(async (connection, ct) =>
        {
            await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (var raise = new NpgsqlCommand(Paging.RaiseRunCount, connection, transaction))
            {
                raise.Parameters.Add(P.Text(sessionId));
                raise.Parameters.Add(P.Long(runs.Max(r => r.Run.Sequence)));
                if (await raise.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
                {
                    return false;
                }
            }

            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var (run, count) in runs)
            {
                batch.BatchCommands.Add(Statement(Paging.ImportRun, PostgresMapping.RunParameters(run, sessionId, run.Sequence, count, run.CreatedAt, run.UpdatedAt)));
            }

            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>One batch (one implicit transaction).</remarks>
    protected override Task ImportUserMemoriesCoreAsync(IReadOnlyList<UserMemory> userMemories, CancellationToken cancellationToken) =>
        ExecuteBatchAsync(userMemories.Select(m => Statement(
            Paging.ImportUserMemory,
            P.Text(m.UserId), P.Jsonb(PostgresText.EncodeObject(m.Profile)), P.Text(m.AgentId), P.Text(m.TeamId),
            P.Long(PostgresMapping.Millis(m.CreatedAt)), P.Long(PostgresMapping.Millis(m.UpdatedAt)))), cancellationToken);

    /// <inheritdoc />
    /// <remarks>One batch (one implicit transaction).</remarks>
    protected override Task ImportKnowledgeContentsCoreAsync(IReadOnlyList<KnowledgeRow> rows, CancellationToken cancellationToken) =>
        ExecuteBatchAsync(rows.Select(r => Statement(
            Paging.ImportKnowledge,
            [.. PostgresMapping.KnowledgeParameters(r), P.Long(PostgresMapping.Millis(r.CreatedAt)), P.Long(PostgresMapping.Millis(r.UpdatedAt))])), cancellationToken);

    /// <inheritdoc />
    /// <remarks>The layout row of the schema-version table, and every table and index of the layout looked up with <c>to_regclass</c> in <see cref="DbSchema"/>.</remarks>
    protected override Task<StorageSchemaReport> DescribeSchemaCoreAsync(CancellationToken cancellationToken) =>
        WithConnectionAsync(async (connection, ct) =>
        {
            int? version;
            await using (var read = Command(connection, Paging.SelectVersion, P.RawText(_schema.Versions)))
            {
                version = await read.ExecuteScalarAsync(ct).ConfigureAwait(false) is int stored ? stored : null;
            }

            var tables = await ExistingAsync(connection, _schema.TableNames, ct).ConfigureAwait(false);
            var indexes = await ExistingAsync(connection, _schema.IndexNames, ct).ConfigureAwait(false);
            var objects = _schema.TableNames.Select(t => new StorageSchemaObject("table", t, tables.Contains(t)))
                .Concat(_schema.IndexNames.Select(i => new StorageSchemaObject("index", i, indexes.Contains(i))))
                .ToList();
            return new StorageSchemaReport(version, PostgresSchema.LayoutVersion, objects);
        }, cancellationToken);

    private async Task<HashSet<string>> ExistingAsync(NpgsqlConnection connection, IReadOnlyList<string> names, CancellationToken ct)
    {
        var existing = new HashSet<string>(StringComparer.Ordinal);
        await using var command = Command(connection, PostgresPagingStatements.RelationsExist, P.RawText(DbSchema), P.TextArray(names));
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            if (reader.GetBoolean(1))
            {
                existing.Add(reader.GetString(0));
            }
        }

        return existing;
    }

    private Task ExecuteBatchAsync(IEnumerable<NpgsqlBatchCommand> statements, CancellationToken cancellationToken) =>
        WithConnectionAsync(async (connection, ct) =>
        {
            await using var batch = new NpgsqlBatch(connection);
            foreach (var statement in statements)
            {
                batch.BatchCommands.Add(statement);
            }

            return await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>One keyset page of a table keyed by its first column (a text id), each row mapped on its own.</summary>
    private Task<StorePage<T>> ReadPageAsync<T>(string sql, string listing, string? after, int pageSize, Func<DbDataReader, T> map, CancellationToken cancellationToken) =>
        WithConnectionAsync(async (connection, ct) =>
        {
            var page = new StorePageBuilder<T>(listing, pageSize);
            await using var command = Command(connection, sql, P.Text(after), P.Int(pageSize));
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                page.Add(PostgresMapping.Text(reader, 0)!, 0, () => map(reader));
            }

            return page.Build();
        }, cancellationToken);
}
