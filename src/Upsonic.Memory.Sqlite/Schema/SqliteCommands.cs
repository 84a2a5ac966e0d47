namespace Upsonic.Storage.Sqlite;

/// <summary>
/// Every DML statement of <see cref="SqliteStorage"/>, built once per instance from its validated table names. Values are
/// always bound parameters (<c>@name</c>); id lists are bound as one JSON array and expanded with <c>json_each</c>.
/// </summary>
/// <remarks>
/// Optional filters are written as <c>(@x IS NULL OR col = @x)</c> so each listing is one fixed statement; listings are not
/// on the per-turn path. The hot-path statements (<see cref="LoadWindow"/> and the <c>Append*</c> statements) touch rows by
/// primary key or by a bounded index range only; see docs/storage-sqlite.md.
/// </remarks>
internal sealed class SqliteCommands
{
    /// <summary>The head columns, in the order <see cref="SqliteMapping.ReadHead"/> reads them.</summary>
    internal const string HeadColumns =
        "session_id, session_type, agent_id, team_id, workflow_id, user_id, session_data, agent_data, metadata, summary, " +
        "summary_watermark, usage, created_at, updated_at";

    /// <summary>The run columns, in the order <see cref="SqliteMapping.ReadRun"/> reads them.</summary>
    internal const string RunColumns = "session_id, run_id, seq, agent_id, status, fields, usage, metadata, message_count, created_at, updated_at";

    internal const string UserMemoryColumns = "user_id, user_memory, agent_id, team_id, created_at, updated_at";

    internal const string KnowledgeColumns =
        "id, name, description, metadata, type, size, knowledge_base_id, content_hash, chunk_count, source, status, status_message, " +
        "access_count, created_at, updated_at";

    /// <summary>Retention: a record last written at or before <c>@live_after</c> has expired (NULL when nothing expires).</summary>
    private const string Live = "(@live_after IS NULL OR updated_at > @live_after)";

    private const string SessionFilter =
        Live + " AND (@session_ids IS NULL OR session_id IN (SELECT value FROM json_each(@session_ids))) " +
        "AND (@session_type IS NULL OR session_type = @session_type) " +
        "AND (@user_id IS NULL OR user_id = @user_id) AND (@agent_id IS NULL OR agent_id = @agent_id)";

    private const string UserMemoryFilter =
        Live + " AND (@user_ids IS NULL OR user_id IN (SELECT value FROM json_each(@user_ids))) " +
        "AND (@agent_id IS NULL OR agent_id = @agent_id) AND (@team_id IS NULL OR team_id = @team_id)";

    private const string KnowledgeFilter = "(@knowledge_base_id IS NULL OR knowledge_base_id = @knowledge_base_id)";

    /// <summary>LIMIT -1 means no limit in SQLite, so paging is one fixed clause.</summary>
    private const string Paging = "LIMIT @limit OFFSET @offset";

    public SqliteCommands(SqliteSchema schema)
    {
        string s = SqliteSchema.Quote(schema.SessionTable), m = SqliteSchema.Quote(schema.MessageTable), r = SqliteSchema.Quote(schema.RunTable);
        string u = SqliteSchema.Quote(schema.UserMemoryTable), k = SqliteSchema.Quote(schema.KnowledgeTable);

        // ----- hot path -----

        // One command, two result sets, read in one snapshot (deferred read transaction):
        // 1. the head by primary key;
        // 2. the history rows of the last @turns distinct turns. The inner SELECT walks the (session_id, in_history, turn)
        //    index backwards and stops after @turns distinct turns (LIMIT); the outer SELECT is a range scan of the same
        //    index from the oldest of those turns. Rows read = messages in the window, whatever the history length.
        SelectHead = $"SELECT {HeadColumns} FROM {s} WHERE session_id = @session_id AND {Live};";
        LoadWindow = $"SELECT {HeadColumns}, history_epoch, message_count FROM {s} WHERE session_id = @session_id AND {Live};\n" + WindowRows(s, m);

        // AppendRun, inside one BEGIN IMMEDIATE transaction: one read of the head and the run by primary key, optional head
        // insert, N message inserts, one run upsert, one head update by primary key.
        // No row when the session is new (a run row never outlives its head); run columns are NULL when the run is new.
        AppendRead = $"""
            SELECT h.run_count, h.message_count, h.usage, h.agent_data, x.seq, x.usage, x.message_count, x.created_at
            FROM {s} AS h LEFT JOIN {r} AS x ON x.session_id = h.session_id AND x.run_id = @run_id
            WHERE h.session_id = @session_id;
            """;
        AppendInsertHead = $"""
            INSERT INTO {s} (session_id, session_type, agent_id, user_id, metadata, run_count, message_count, version, history_epoch, created_at, updated_at)
            VALUES (@session_id, 'agent', @agent_id, @user_id, '{"{}"}', 0, 0, 1, @epoch, @now, @now);
            """;
        AppendUpdateHead = $"""
            UPDATE {s} SET run_count = @run_count, message_count = @message_count, usage = @usage, agent_data = @agent_data,
                updated_at = @now, version = version + 1
            WHERE session_id = @session_id;
            """;

        InsertMessage = $"INSERT INTO {m} (session_id, seq, turn, run_id, in_history, message, tokens) VALUES (@session_id, @seq, @turn, @run_id, @in_history, @message, @tokens);";
        UpsertRun = $"""
            INSERT INTO {r} ({RunColumns})
            VALUES (@session_id, @run_id, @seq, @agent_id, @status, @fields, @usage, @metadata, @message_count, @created_at, @updated_at)
            ON CONFLICT(session_id, run_id) DO UPDATE SET agent_id = excluded.agent_id, status = excluded.status, fields = excluded.fields,
                usage = excluded.usage, metadata = excluded.metadata, message_count = excluded.message_count, updated_at = excluded.updated_at;
            """;

        // ----- runs -----
        // A run of an expired session is expired with it.
        var liveRun = $"(@live_after IS NULL OR EXISTS (SELECT 1 FROM {s} AS h WHERE h.session_id = {r}.session_id AND h.updated_at > @live_after))";
        SelectRun = $"SELECT {RunColumns} FROM {r} WHERE session_id = @session_id AND run_id = @run_id AND {liveRun};";
        FindRun = $"SELECT {RunColumns} FROM {r} WHERE run_id = @run_id AND (@agent_id IS NULL OR agent_id = @agent_id) AND {liveRun} ORDER BY session_id LIMIT 1;";
        SelectRunsAfter = $"SELECT {RunColumns} FROM {r} WHERE session_id = @session_id AND seq > @after AND {liveRun} ORDER BY seq DESC LIMIT @limit;";
        // A run's messages carry its sequence as their turn (appended or stored whole, see SessionRows), so they are found
        // through the (session_id, in_history, turn) index, in and out of history: no index of their own to keep on every insert.
        // INDEXED BY: without it the planner takes the primary key for its order and reads every message of the session.
        var byTurn = $"{m} INDEXED BY {SqliteSchema.Quote(schema.MessageHistoryIndex)}";
        SelectRunMessages = $"""
            SELECT seq, message FROM {byTurn}
            WHERE session_id = @session_id AND in_history IN (0, 1) AND turn = @turn AND run_id = @run_id ORDER BY seq;
            """;
        SelectRunsMessages = $"""
            SELECT run_id, seq, message FROM {byTurn}
            WHERE session_id = @session_id AND in_history IN (0, 1) AND turn BETWEEN @first_turn AND @last_turn
              AND run_id IN (SELECT value FROM json_each(@run_ids)) ORDER BY seq;
            """;

        // ----- head updates -----
        UpdateSummary = $"""
            UPDATE {s} SET summary = @summary, summary_watermark = @watermark, updated_at = @now, version = version + 1
            WHERE session_id = @session_id AND summary_watermark <= @watermark;
            """;
        SelectMetadata = $"SELECT metadata FROM {s} WHERE session_id = @session_id;";
        UpdateMetadata = $"UPDATE {s} SET metadata = @metadata, updated_at = @now, version = version + 1 WHERE session_id = @session_id;";

        // ----- sessions: record API -----
        UpsertHead = $"""
            INSERT INTO {s} (session_id, session_type, agent_id, team_id, workflow_id, user_id, session_data, agent_data, metadata, summary,
                summary_watermark, usage, run_count, message_count, version, history_epoch, created_at, updated_at)
            VALUES (@session_id, @session_type, @agent_id, @team_id, @workflow_id, @user_id, @session_data, @agent_data, @metadata, @summary,
                @summary_watermark, @usage, @run_count, @message_count, 1, @epoch, @created_at, @updated_at)
            ON CONFLICT(session_id) DO UPDATE SET session_type = excluded.session_type, agent_id = excluded.agent_id,
                team_id = excluded.team_id, workflow_id = excluded.workflow_id, user_id = excluded.user_id,
                session_data = excluded.session_data, agent_data = excluded.agent_data, metadata = excluded.metadata,
                summary = excluded.summary, summary_watermark = excluded.summary_watermark, usage = excluded.usage,
                run_count = excluded.run_count, message_count = excluded.message_count, version = version + 1,
                history_epoch = excluded.history_epoch, updated_at = excluded.updated_at;
            """;
        SelectHistory = $"SELECT seq, turn, run_id, message FROM {m} WHERE session_id = @session_id AND in_history = 1 ORDER BY seq;";
        SelectSessionRuns = $"SELECT {RunColumns} FROM {r} WHERE session_id = @session_id ORDER BY seq;";
        SelectSessionRunMessages = $"SELECT run_id, seq, message FROM {m} WHERE session_id = @session_id AND run_id IS NOT NULL ORDER BY seq;";
        CountSessions = $"SELECT COUNT(*) FROM {s} WHERE {SessionFilter};";
        _selectSessions = order => $"SELECT {HeadColumns} FROM {s} WHERE {SessionFilter} ORDER BY {order} {Paging};";
        DeleteSessionRows = $"""
            DELETE FROM {m} WHERE session_id = @session_id;
            DELETE FROM {r} WHERE session_id = @session_id;
            """;
        // Returns a row only when the head existed.
        DeleteSessions = $"""
            DELETE FROM {m} WHERE session_id IN (SELECT value FROM json_each(@session_ids));
            DELETE FROM {r} WHERE session_id IN (SELECT value FROM json_each(@session_ids));
            DELETE FROM {s} WHERE session_id IN (SELECT value FROM json_each(@session_ids));
            """;

        // ----- user memories -----
        UpsertUserMemory = $"""
            INSERT INTO {u} ({UserMemoryColumns}) VALUES (@user_id, @user_memory, @agent_id, @team_id, @created_at, @updated_at)
            ON CONFLICT(user_id) DO UPDATE SET user_memory = excluded.user_memory, agent_id = excluded.agent_id,
                team_id = excluded.team_id, updated_at = excluded.updated_at
            RETURNING created_at;
            """;
        SelectProfile = $"SELECT user_memory FROM {u} WHERE user_id = @user_id;";
        CountUserMemories = $"SELECT COUNT(*) FROM {u} WHERE {UserMemoryFilter};";
        SelectUserMemories = $"SELECT {UserMemoryColumns} FROM {u} WHERE {UserMemoryFilter} ORDER BY updated_at DESC, user_id ASC {Paging};";
        DeleteUserMemories = $"DELETE FROM {u} WHERE user_id IN (SELECT value FROM json_each(@user_ids));";

        // ----- knowledge -----
        UpsertKnowledge = $"""
            INSERT INTO {k} ({KnowledgeColumns})
            VALUES (@id, @name, @description, @metadata, @type, @size, @knowledge_base_id, @content_hash, @chunk_count, @source, @status,
                @status_message, @access_count, @created_at, @updated_at)
            ON CONFLICT(id) DO UPDATE SET name = excluded.name, description = excluded.description, metadata = excluded.metadata,
                type = excluded.type, size = excluded.size, knowledge_base_id = excluded.knowledge_base_id,
                content_hash = excluded.content_hash, chunk_count = excluded.chunk_count, source = excluded.source,
                status = excluded.status, status_message = excluded.status_message, access_count = excluded.access_count,
                created_at = CASE WHEN @created_given THEN excluded.created_at ELSE created_at END, updated_at = excluded.updated_at
            RETURNING created_at;
            """;
        SelectKnowledge = $"SELECT {KnowledgeColumns} FROM {k} WHERE id = @id;";
        CountKnowledge = $"SELECT COUNT(*) FROM {k} WHERE {KnowledgeFilter};";
        _selectKnowledge = order => $"SELECT {KnowledgeColumns} FROM {k} WHERE {KnowledgeFilter} ORDER BY {order} {Paging};";
        DeleteKnowledgeMany = $"DELETE FROM {k} WHERE id IN (SELECT value FROM json_each(@ids));";

        // ----- privacy and lifecycle -----
        DeleteUserData = $"""
            DELETE FROM {m} WHERE session_id IN (SELECT session_id FROM {s} WHERE user_id = @user_id);
            DELETE FROM {r} WHERE session_id IN (SELECT session_id FROM {s} WHERE user_id = @user_id);
            DELETE FROM {s} WHERE user_id = @user_id;
            DELETE FROM {u} WHERE user_id = @user_id;
            """;
        CountUserSessions = $"SELECT COUNT(*) FROM {s} WHERE user_id = @user_id;";

        // ----- retention -----
        // Expired sessions (whole) and profiles among @session_ids / @user_ids (NULL = any), oldest first, at most @limit of each.
        var expiredSessions = $"""
            SELECT session_id FROM {s} WHERE updated_at <= @cutoff
                AND (@session_ids IS NULL OR session_id IN (SELECT value FROM json_each(@session_ids))) ORDER BY updated_at LIMIT @limit
            """;
        DeleteExpired = $"""
            DELETE FROM {m} WHERE session_id IN ({expiredSessions});
            DELETE FROM {r} WHERE session_id IN ({expiredSessions});
            DELETE FROM {s} WHERE session_id IN ({expiredSessions});
            DELETE FROM {u} WHERE user_id IN (
                SELECT user_id FROM {u} WHERE updated_at <= @cutoff
                    AND (@user_ids IS NULL OR user_id IN (SELECT value FROM json_each(@user_ids))) ORDER BY updated_at LIMIT @limit);
            """;
        ClearAll = $"DELETE FROM {m}; DELETE FROM {r}; DELETE FROM {s}; DELETE FROM {u}; DELETE FROM {k};";
    }

    private readonly Func<string, string> _selectSessions;
    private readonly Func<string, string> _selectKnowledge;

    /// <summary>
    /// The history rows of a window read, one statement of two branches of which exactly one has rows (the head row decides, in
    /// the same snapshot): when the head's history epoch is <c>@epoch</c> and it has not fewer messages than <c>@since</c>, every
    /// history row stored after <c>@since</c> (a primary-key range, entered from the head row: CROSS JOIN fixes that order, so
    /// when the head does not match the range is never read; the caller applies the count and the budget to these rows before
    /// parsing them); otherwise the full window. A full window walks the (session_id, in_history, turn) index backwards one turn
    /// at a time (recursive CTE: each step takes the previous turn by index and the token sum of the turn it accepts by index
    /// range) and stops at <c>@turns</c> turns or the first turn past <c>@budget</c> tokens (-1: no limit), so the rows read are
    /// the window's whatever the history length. Counts missing on rows written before they existed are estimated from the
    /// stored text by the same rule as <see cref="MessageTokens"/>.
    /// </summary>
    private static string WindowRows(string s, string m) => $"""
        WITH RECURSIVE walk(turn, kept, running, n) AS (
            SELECT (SELECT MAX(turn) FROM {m} WHERE session_id = @session_id AND in_history = 1), NULL, 0, 0
            WHERE NOT EXISTS (SELECT 1 FROM {s} WHERE session_id = @session_id AND history_epoch = @epoch AND message_count >= @since)
            UNION ALL
            SELECT (SELECT MAX(turn) FROM {m} WHERE session_id = @session_id AND in_history = 1 AND turn < walk.turn), walk.turn,
                walk.running + (SELECT SUM(COALESCE(tokens, (length(message) + 3) / 4)) FROM {m}
                                WHERE session_id = @session_id AND in_history = 1 AND turn = walk.turn),
                walk.n + 1
            FROM walk
            WHERE walk.turn IS NOT NULL AND (@turns < 0 OR walk.n < @turns)
              AND (@budget < 0 OR walk.running + (SELECT SUM(COALESCE(tokens, (length(message) + 3) / 4)) FROM {m}
                                                  WHERE session_id = @session_id AND in_history = 1 AND turn = walk.turn) <= @budget))
        SELECT x.seq, x.turn, x.run_id, x.message, COALESCE(x.tokens, (length(x.message) + 3) / 4) FROM {s} AS h CROSS JOIN {m} AS x
        WHERE h.session_id = @session_id AND h.history_epoch = @epoch AND h.message_count >= @since
          AND x.session_id = @session_id AND x.seq > @since AND x.in_history = 1
        UNION ALL
        SELECT seq, turn, run_id, message, COALESCE(tokens, (length(message) + 3) / 4) FROM {m}
        WHERE session_id = @session_id AND in_history = 1 AND turn >= (SELECT MIN(kept) FROM walk WHERE n >= 1)
        ORDER BY 2, 1;
        """;

    public string LoadWindow { get; }
    public string AppendRead { get; }
    public string AppendInsertHead { get; }
    public string AppendUpdateHead { get; }
    public string InsertMessage { get; }
    public string UpsertRun { get; }
    public string SelectRun { get; }
    public string FindRun { get; }
    public string SelectRunsAfter { get; }
    public string SelectRunMessages { get; }
    public string SelectRunsMessages { get; }
    public string UpdateSummary { get; }
    public string SelectMetadata { get; }
    public string UpdateMetadata { get; }
    public string UpsertHead { get; }
    public string SelectHead { get; }
    public string SelectHistory { get; }
    public string SelectSessionRuns { get; }
    public string SelectSessionRunMessages { get; }
    public string CountSessions { get; }
    public string DeleteSessionRows { get; }
    public string DeleteSessions { get; }
    public string UpsertUserMemory { get; }
    public string SelectProfile { get; }
    public string CountUserMemories { get; }
    public string SelectUserMemories { get; }
    public string DeleteUserMemories { get; }
    public string UpsertKnowledge { get; }
    public string SelectKnowledge { get; }
    public string CountKnowledge { get; }
    public string DeleteKnowledgeMany { get; }
    public string DeleteUserData { get; }
    public string CountUserSessions { get; }
    public string DeleteExpired { get; }
    public string ClearAll { get; }

    /// <summary>A page of session heads: the given timestamp in the given direction (updated_at falls back to created_at), ties by id.</summary>
    public string SelectSessions(RecordSortField sortBy, SortOrder order) => _selectSessions(Order(sortBy, order, "session_id"));

    /// <summary>A page of knowledge rows, ordered like <see cref="SelectSessions"/>.</summary>
    public string SelectKnowledgeRows(RecordSortField sortBy, SortOrder order) => _selectKnowledge(Order(sortBy, order, "id"));

    private static string Order(RecordSortField sortBy, SortOrder order, string idColumn)
    {
        var key = sortBy == RecordSortField.UpdatedAt ? "COALESCE(updated_at, created_at)" : "created_at";
        return $"{key} {(order == SortOrder.Ascending ? "ASC" : "DESC")}, {idColumn} ASC";
    }
}
