namespace Upsonic.Storage.Sqlite;

/// <summary>
/// The statements that stream a store in pages (export, import, migrate): keyset reads by primary key or by a bounded index
/// range, and imports that insert or replace rows by their keys. Values are bound parameters; names come from <see cref="SqliteSchema"/>.
/// </summary>
internal sealed class SqlitePagingCommands
{
    public SqlitePagingCommands(SqliteSchema schema)
    {
        string s = SqliteSchema.Quote(schema.SessionTable), m = SqliteSchema.Quote(schema.MessageTable), r = SqliteSchema.Quote(schema.RunTable);
        string u = SqliteSchema.Quote(schema.UserMemoryTable), k = SqliteSchema.Quote(schema.KnowledgeTable), v = SqliteSchema.Quote(schema.SchemaTable);

        // Reads: every key is the primary key (or the unique (session_id, seq) index of runs), so a page is one index range.
        SelectHeads = $"SELECT {SqliteCommands.HeadColumns} FROM {s} WHERE (@after IS NULL OR session_id > @after) ORDER BY session_id LIMIT @limit;";
        SelectMessages = $"SELECT seq, turn, run_id, in_history, message FROM {m} WHERE session_id = @session_id AND seq > @after ORDER BY seq LIMIT @limit;";
        SelectRuns = $"SELECT {SqliteCommands.RunColumns} FROM {r} WHERE session_id = @session_id AND seq > @after ORDER BY seq LIMIT @limit;";
        CountRows = $"""
            SELECT (SELECT COUNT(*) FROM {m} WHERE session_id = @session_id),
                   (SELECT COUNT(*) FROM {m} WHERE session_id = @session_id AND in_history = 1),
                   (SELECT COUNT(*) FROM {r} WHERE session_id = @session_id)
            FROM {s} WHERE session_id = @session_id;
            """;
        SelectUserMemories = $"SELECT {SqliteCommands.UserMemoryColumns} FROM {u} WHERE (@after IS NULL OR user_id > @after) ORDER BY user_id LIMIT @limit;";
        SelectKnowledge = $"SELECT {SqliteCommands.KnowledgeColumns} FROM {k} WHERE (@after IS NULL OR id > @after) ORDER BY id LIMIT @limit;";

        // Imports: the head's fields exactly as given (counters kept; a new head gets a history epoch), rows by key, counters
        // raised. Imported messages may replace rows a window mark covers, so they draw a new history epoch (@epoch): a mark held
        // from before no longer matches, and its next read is a full window with the imported rows.
        ImportHead = $"""
            INSERT INTO {s} (session_id, session_type, agent_id, team_id, workflow_id, user_id, session_data, agent_data, metadata, summary,
                summary_watermark, usage, run_count, message_count, version, history_epoch, created_at, updated_at)
            VALUES (@session_id, @session_type, @agent_id, @team_id, @workflow_id, @user_id, @session_data, @agent_data, @metadata, @summary,
                @summary_watermark, @usage, 0, 0, 1, @epoch, @created_at, @updated_at)
            ON CONFLICT(session_id) DO UPDATE SET session_type = excluded.session_type, agent_id = excluded.agent_id,
                team_id = excluded.team_id, workflow_id = excluded.workflow_id, user_id = excluded.user_id,
                session_data = excluded.session_data, agent_data = excluded.agent_data, metadata = excluded.metadata,
                summary = excluded.summary, summary_watermark = excluded.summary_watermark, usage = excluded.usage,
                version = version + 1, created_at = excluded.created_at, updated_at = excluded.updated_at;
            """;
        RaiseCounters = $"""
            UPDATE {s} SET run_count = MAX(run_count, @run_count), message_count = MAX(message_count, @message_count), version = version + 1,
                history_epoch = COALESCE(@epoch, history_epoch)
            WHERE session_id = @session_id;
            """;
        ImportMessage = $"""
            INSERT INTO {m} (session_id, seq, turn, run_id, in_history, message, tokens)
            VALUES (@session_id, @seq, @turn, @run_id, @in_history, @message, @tokens)
            ON CONFLICT(session_id, seq) DO UPDATE SET turn = excluded.turn, run_id = excluded.run_id, in_history = excluded.in_history,
                message = excluded.message, tokens = excluded.tokens;
            """;
        ImportRun = $"""
            INSERT INTO {r} ({SqliteCommands.RunColumns})
            VALUES (@session_id, @run_id, @seq, @agent_id, @status, @fields, @usage, @metadata, @message_count, @created_at, @updated_at)
            ON CONFLICT(session_id, run_id) DO UPDATE SET seq = excluded.seq, agent_id = excluded.agent_id, status = excluded.status,
                fields = excluded.fields, usage = excluded.usage, metadata = excluded.metadata, message_count = excluded.message_count,
                created_at = excluded.created_at, updated_at = excluded.updated_at;
            """;
        ImportUserMemory = $"""
            INSERT INTO {u} ({SqliteCommands.UserMemoryColumns}) VALUES (@user_id, @user_memory, @agent_id, @team_id, @created_at, @updated_at)
            ON CONFLICT(user_id) DO UPDATE SET user_memory = excluded.user_memory, agent_id = excluded.agent_id, team_id = excluded.team_id,
                created_at = excluded.created_at, updated_at = excluded.updated_at;
            """;
        ImportKnowledge = $"""
            INSERT INTO {k} ({SqliteCommands.KnowledgeColumns})
            VALUES (@id, @name, @description, @metadata, @type, @size, @knowledge_base_id, @content_hash, @chunk_count, @source, @status,
                @status_message, @access_count, @created_at, @updated_at)
            ON CONFLICT(id) DO UPDATE SET name = excluded.name, description = excluded.description, metadata = excluded.metadata,
                type = excluded.type, size = excluded.size, knowledge_base_id = excluded.knowledge_base_id,
                content_hash = excluded.content_hash, chunk_count = excluded.chunk_count, source = excluded.source,
                status = excluded.status, status_message = excluded.status_message, access_count = excluded.access_count,
                created_at = excluded.created_at, updated_at = excluded.updated_at;
            """;

        // The schema report: the stored version (when the schema table exists) and the tables and indexes present.
        SelectVersion = $"SELECT version FROM {v} WHERE component = '{SqliteSchema.Component}';";
    }

    public string SelectHeads { get; }
    public string SelectMessages { get; }
    public string SelectRuns { get; }
    public string CountRows { get; }
    public string SelectUserMemories { get; }
    public string SelectKnowledge { get; }
    public string ImportHead { get; }
    public string RaiseCounters { get; }
    public string ImportMessage { get; }
    public string ImportRun { get; }
    public string ImportUserMemory { get; }
    public string ImportKnowledge { get; }
    public string SelectVersion { get; }

    /// <summary>The tables and indexes in the file (type, name).</summary>
    public const string SelectObjects = "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'index');";
}
