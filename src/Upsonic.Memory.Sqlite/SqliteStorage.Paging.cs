using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Upsonic.Storage.Sqlite;

/// <summary>Streaming the store in pages: keyset reads by primary key, imports that insert or replace rows by key, the schema report.</summary>
public sealed partial class SqliteStorage
{
    private SqlitePagingCommands? _paging;

    private SqlitePagingCommands Paging => _paging ??= new SqlitePagingCommands(_schema);

    /// <inheritdoc />
    /// <remarks>By session id (SQLite's binary order of the primary key).</remarks>
    protected override Task<StorePage<AgentSession>> GetSessionHeadsPageCoreAsync(PageCursor? after, int pageSize, CancellationToken cancellationToken) =>
        ReadPageAsync(Paging.SelectHeads, PageCursor.Sessions, after?.Key, pageSize, SqliteMapping.ReadHead, cancellationToken);

    /// <inheritdoc />
    protected override Task<StorePage<SessionMessageRow>> GetSessionMessagesPageCoreAsync(string sessionId, long afterSequence, int pageSize, CancellationToken cancellationToken) =>
        InScopeAsync(write: false, async scope =>
        {
            var page = new StorePageBuilder<SessionMessageRow>(PageCursor.Messages, pageSize);
            await using var command = scope.Command(Paging.SelectMessages).Bind("@session_id", sessionId).Bind("@after", afterSequence).Bind("@limit", pageSize);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var seq = reader.GetInt64(0);
                page.Add(sessionId, seq, () => new SessionMessageRow(
                    seq, reader.GetInt64(1), SqliteMapping.Text(reader, 2), reader.GetInt64(3) != 0,
                    StorageJson.DeserializeMessage(reader.GetString(4), sessionId, seq)));
            }

            return page.Build();
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<StorePage<SessionRunRow>> GetSessionRunsPageCoreAsync(string sessionId, long afterSequence, int pageSize, CancellationToken cancellationToken) =>
        InScopeAsync(write: false, async scope =>
        {
            var page = new StorePageBuilder<SessionRunRow>(PageCursor.Runs, pageSize);
            await using var command = scope.Command(Paging.SelectRuns).Bind("@session_id", sessionId).Bind("@after", afterSequence).Bind("@limit", pageSize);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                page.Add(sessionId, reader.GetInt64(2), () =>
                {
                    var (run, count) = SqliteMapping.ReadRun(reader);
                    return new SessionRunRow(run, count);
                });
            }

            return page.Build();
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<SessionRowCounts?> CountSessionRowsCoreAsync(string sessionId, CancellationToken cancellationToken) =>
        InScopeAsync(write: false, async scope =>
        {
            await using var command = scope.Command(Paging.CountRows).Bind("@session_id", sessionId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new SessionRowCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2))
                : null;
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<StorePage<UserMemory>> GetUserMemoriesPageCoreAsync(PageCursor? after, int pageSize, CancellationToken cancellationToken) =>
        ReadPageAsync(Paging.SelectUserMemories, PageCursor.UserMemories, after?.Key, pageSize, SqliteMapping.ReadUserMemory, cancellationToken);

    /// <inheritdoc />
    protected override Task<StorePage<KnowledgeRow>> GetKnowledgeContentsPageCoreAsync(PageCursor? after, int pageSize, CancellationToken cancellationToken) =>
        ReadPageAsync(Paging.SelectKnowledge, PageCursor.Knowledge, after?.Key, pageSize, SqliteMapping.ReadKnowledge, cancellationToken);

    /// <inheritdoc />
    protected override Task ImportSessionHeadCoreAsync(AgentSession head, CancellationToken cancellationToken) =>
        InScopeAsync(write: true, async scope =>
        {
            await using var command = scope.Command(Paging.ImportHead)
                .Bind("@session_id", head.SessionId).Bind("@session_type", StoredNames.Of(head.SessionType)).Bind("@agent_id", head.AgentId)
                .Bind("@team_id", head.TeamId).Bind("@workflow_id", head.WorkflowId).Bind("@user_id", head.UserId)
                .Bind("@session_data", StorageJson.SerializeObject(head.SessionData)).Bind("@agent_data", StorageJson.SerializeObject(head.AgentData))
                .Bind("@metadata", StorageJson.SerializeObject(head.Metadata)).Bind("@summary", head.Summary)
                .Bind("@summary_watermark", head.SummaryWatermark).Bind("@usage", StorageJson.SerializeUsage(head.Usage))
                .BindTime("@created_at", head.CreatedAt).BindTime("@updated_at", head.UpdatedAt).Bind("@epoch", HistoryEpoch.New());
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>One write transaction: the counters first (which tells whether the session exists) with a new history epoch, so a
    /// window mark held from before the import is not taken as covering rows it replaced, then the rows with their token counts.</remarks>
    protected override Task<bool> ImportSessionMessagesCoreAsync(string sessionId, IReadOnlyList<SessionMessageRow> messages, CancellationToken cancellationToken) =>
        InScopeAsync(write: true, async scope =>
        {
            if (!await RaiseCountersAsync(scope, sessionId, messages.Max(m => m.Turn), messages.Max(m => m.Sequence), HistoryEpoch.New(), cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            await using var insert = scope.Command(Paging.ImportMessage);
            insert.Bind("@session_id", sessionId);
            var seq = insert.Parameters.Add("@seq", SqliteType.Integer);
            var turn = insert.Parameters.Add("@turn", SqliteType.Integer);
            var runId = insert.Parameters.Add("@run_id", SqliteType.Text);
            var inHistory = insert.Parameters.Add("@in_history", SqliteType.Integer);
            var message = insert.Parameters.Add("@message", SqliteType.Text);
            var tokens = insert.Parameters.Add("@tokens", SqliteType.Integer);
            foreach (var row in messages)
            {
                seq.Value = row.Sequence;
                turn.Value = row.Turn;
                runId.Value = (object?)row.RunId ?? DBNull.Value;
                inHistory.Value = row.InHistory ? 1 : 0;
                var json = StorageJson.SerializeMessage(row.Message);
                message.Value = json;
                tokens.Value = MessageTokens.Estimate(json);
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<bool> ImportSessionRunsCoreAsync(string sessionId, IReadOnlyList<SessionRunRow> runs, CancellationToken cancellationToken) =>
        InScopeAsync(write: true, async scope =>
        {
            if (!await RaiseCountersAsync(scope, sessionId, runs.Max(r => r.Run.Sequence), 0, null, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            foreach (var (run, count) in runs)
            {
                await using var upsert = scope.Command(Paging.ImportRun);
                upsert.Bind("@session_id", sessionId).Bind("@run_id", run.RunId).Bind("@seq", run.Sequence).Bind("@agent_id", run.AgentId)
                    .Bind("@status", StoredNames.Of(run.Status)).Bind("@fields", SqliteMapping.RunFields(run))
                    .Bind("@usage", StorageJson.SerializeUsage(run.Usage)).Bind("@metadata", StorageJson.SerializeObject(run.Metadata))
                    .Bind("@message_count", count).BindTime("@created_at", run.CreatedAt).BindTime("@updated_at", run.UpdatedAt);
                await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task ImportUserMemoriesCoreAsync(IReadOnlyList<UserMemory> userMemories, CancellationToken cancellationToken) =>
        InScopeAsync(write: true, async scope =>
        {
            foreach (var memory in userMemories)
            {
                await using var command = scope.Command(Paging.ImportUserMemory)
                    .Bind("@user_id", memory.UserId).Bind("@user_memory", StorageJson.SerializeObject(memory.Profile)).Bind("@agent_id", memory.AgentId)
                    .Bind("@team_id", memory.TeamId).BindTime("@created_at", memory.CreatedAt).BindTime("@updated_at", memory.UpdatedAt);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task ImportKnowledgeContentsCoreAsync(IReadOnlyList<KnowledgeRow> rows, CancellationToken cancellationToken) =>
        InScopeAsync(write: true, async scope =>
        {
            foreach (var row in rows)
            {
                await using var command = scope.Command(Paging.ImportKnowledge)
                    .Bind("@id", row.Id).Bind("@name", row.Name).Bind("@description", row.Description)
                    .Bind("@metadata", StorageJson.SerializeObject(row.Metadata)).Bind("@type", row.Type).Bind("@size", row.Size)
                    .Bind("@knowledge_base_id", row.KnowledgeBaseId).Bind("@content_hash", row.ContentHash).Bind("@chunk_count", row.ChunkCount)
                    .Bind("@source", row.Source).Bind("@status", row.Status).Bind("@status_message", row.StatusMessage)
                    .Bind("@access_count", row.AccessCount).BindTime("@created_at", row.CreatedAt).BindTime("@updated_at", row.UpdatedAt);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>The version row of <c>&lt;session&gt;_schema</c>, and every table and index of the layout looked up in <c>sqlite_master</c>.</remarks>
    protected override Task<StorageSchemaReport> DescribeSchemaCoreAsync(CancellationToken cancellationToken) =>
        InScopeAsync(write: false, async scope =>
        {
            var present = new HashSet<(string, string)>();
            await using (var command = scope.Command(SqlitePagingCommands.SelectObjects))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    present.Add((reader.GetString(0), reader.GetString(1)));
                }
            }

            int? version = null;
            if (present.Contains(("table", _schema.SchemaTable)))
            {
                await using var command = scope.Command(Paging.SelectVersion);
                version = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long stored ? (int)stored : null;
            }

            var objects = _schema.DataTables.Append(_schema.SchemaTable).Select(t => new StorageSchemaObject("table", t, present.Contains(("table", t))))
                .Concat(_schema.IndexNames.Select(i => new StorageSchemaObject("index", i, present.Contains(("index", i)))))
                .ToList();
            return new StorageSchemaReport(version, SqliteSchema.Version, objects);
        }, cancellationToken);

    /// <summary>Raises a head's counters to at least the given turn and sequence and, when given, sets its history epoch; false
    /// when the session does not exist.</summary>
    private async Task<bool> RaiseCountersAsync(SqliteScope scope, string sessionId, long runCount, long messageCount, long? epoch, CancellationToken cancellationToken)
    {
        await using var command = scope.Command(Paging.RaiseCounters)
            .Bind("@session_id", sessionId).Bind("@run_count", runCount).Bind("@message_count", messageCount).Bind("@epoch", epoch);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <summary>One keyset page of a table keyed by its first column (a text id), each row mapped on its own.</summary>
    private Task<StorePage<T>> ReadPageAsync<T>(string sql, string listing, string? after, int pageSize, Func<DbDataReader, T> map, CancellationToken cancellationToken) =>
        InScopeAsync(write: false, async scope =>
        {
            var page = new StorePageBuilder<T>(listing, pageSize);
            await using var command = scope.Command(sql).Bind("@after", after).Bind("@limit", pageSize);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                page.Add(reader.GetString(0), 0, () => map(reader));
            }

            return page.Build();
        }, cancellationToken);
}
