namespace Upsonic.Storage.Postgres;

/// <summary>
/// Every DML statement <see cref="PostgresStorage"/> sends, built once per storage from its quoted table names. Values are always
/// positional parameters (<c>$1</c>...); only validated, quoted identifiers and fixed keywords are ever put into the text.
/// </summary>
/// <remarks>
/// The result-column lists here fix the ordinals that <see cref="PostgresMapping"/> reads. Each hot-path statement says
/// what bounds its cost; none reads or writes anything that grows with a session's history.
/// </remarks>
internal sealed class PostgresStatements
{
    /// <summary>Head columns read back, in <see cref="PostgresMapping.ReadHead"/> order.</summary>
    public const string HeadColumns =
        "session_id, session_type, agent_id, team_id, workflow_id, user_id, session_data, agent_data, metadata, summary, summary_watermark, usage, created_at, updated_at";

    /// <summary>Run columns read back, in <see cref="PostgresMapping.ReadRun"/> order.</summary>
    public const string RunColumns =
        "session_id, run_id, seq, status, agent_id, agent_name, user_id, pause_reason, error, input, output, usage, metadata, message_count, created_at, updated_at";

    /// <summary>User-memory columns read back, in <see cref="PostgresMapping.ReadUserMemory"/> order.</summary>
    public const string UserMemoryColumns = "user_id, user_memory, agent_id, team_id, created_at, updated_at";

    /// <summary>Knowledge columns, in <see cref="PostgresMapping.ReadKnowledge"/> order (also the insert order).</summary>
    public const string KnowledgeColumns =
        "id, name, description, metadata, type, size, knowledge_base_id, content_hash, chunk_count, source, status, status_message, access_count, created_at, updated_at";

    // Retention: the last filter parameter is the expiry cutoff (Unix ms; NULL when nothing expires): rows last written at or before it are not returned.
    private const string SessionFilter =
        "($1::text[] IS NULL OR session_id = ANY($1)) AND ($2::text IS NULL OR session_type = $2) AND ($3::text IS NULL OR user_id = $3) AND ($4::text IS NULL OR agent_id = $4) AND ($5::bigint IS NULL OR updated_at > $5)";

    private const string UserMemoryFilter =
        "($1::text[] IS NULL OR user_id = ANY($1)) AND ($2::text IS NULL OR agent_id = $2) AND ($3::text IS NULL OR team_id = $3) AND ($4::bigint IS NULL OR updated_at > $4)";

    private const string FindRunFilter = "run_id = $1 AND ($2::text IS NULL OR agent_id = $2)";

    private readonly PostgresSchema _s;

    public PostgresStatements(PostgresSchema schema)
    {
        _s = schema;
        var h = schema.Heads;
        var m = schema.Messages;
        var r = schema.Runs;
        var u = schema.UserMemories;
        var k = schema.Knowledge;

        // ----- hot path -----

        // PK upsert of one head row; the DO UPDATE takes the row lock that serializes all writers of this session until commit.
        AppendLockHead = $"""
            INSERT INTO {h} AS h (session_id, session_type, agent_id, user_id, metadata, created_at, updated_at)
            VALUES ($1, 'agent', $2, $3, '{"{}"}'::jsonb, $4, $4)
            ON CONFLICT (session_id) DO UPDATE SET version = h.version
            RETURNING (h.xmax = 0) AS created, h.run_count, h.message_count, h.usage
            """;

        // PK lookup of one run row.
        AppendReadRun = $"SELECT seq, message_count, usage FROM {r} WHERE session_id = $1 AND run_id = $2";

        // Inserts only the run's new messages (bounded by the run's size, not the session's).
        AppendMessages = $"""
            INSERT INTO {m} (session_id, seq, turn, run_id, in_history, message)
            SELECT $1, s.seq, $2, $3, $4, s.message FROM unnest($5::bigint[], $6::text[]) AS s(seq, message)
            """;

        // PK upsert of one run row; seq and created_at of an existing run are kept.
        UpsertRun = $"""
            INSERT INTO {r} ({RunColumns})
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
            ON CONFLICT (session_id, run_id) DO UPDATE SET
                status = EXCLUDED.status, agent_id = EXCLUDED.agent_id, agent_name = EXCLUDED.agent_name, user_id = EXCLUDED.user_id,
                pause_reason = EXCLUDED.pause_reason, error = EXCLUDED.error, input = EXCLUDED.input, output = EXCLUDED.output,
                usage = EXCLUDED.usage, metadata = EXCLUDED.metadata, message_count = EXCLUDED.message_count, updated_at = EXCLUDED.updated_at
            """;

        // PK update of the (already locked) head row.
        AppendUpdateHead = $"""
            UPDATE {h} SET run_count = $2, message_count = $3, usage = $4,
                agent_data = CASE WHEN $5::text IS NULL THEN agent_data ELSE COALESCE(agent_data, '{"{}"}'::jsonb) || jsonb_build_object('agent_name', $5::text) END,
                updated_at = $6, version = version + 1
            WHERE session_id = $1
            """;

        // PK lookup of the head.
        WindowHead = $"SELECT {HeadColumns} FROM {h} WHERE session_id = $1 AND ($2::bigint IS NULL OR updated_at > $2)";

        // Bounded by the (session_id, in_history, turn) index: a backward index scan collects the last $2 distinct turns
        // (LIMIT NULL = all, 0 = none), then a range scan on the same index reads only those turns' rows.
        // Joined with the last $2 distinct turns (an index-only walk of (session_id, in_history, turn) from the end), so the planner
        // reads the window's rows by index; a "turn >= (subquery)" filter cannot be estimated and was planned as a scan of the session.
        WindowMessages = $"""
            SELECT m.seq, m.turn, m.run_id, m.message FROM {m} AS m
            JOIN (SELECT DISTINCT turn FROM {m} WHERE session_id = $1 AND in_history ORDER BY turn DESC LIMIT $2) AS t ON m.turn = t.turn
            WHERE m.session_id = $1 AND m.in_history
            ORDER BY m.seq
            """;

        // Single atomic statements: the merge happens inside PostgreSQL under the row lock, so concurrent writers never lose keys.
        MergeMetadata = $"""
            UPDATE {h} SET metadata = COALESCE(metadata, '{"{}"}'::jsonb) || $2::jsonb, updated_at = $3, version = version + 1
            WHERE session_id = $1
            """;
        UpdateSummary = $"""
            UPDATE {h} SET summary = $2, summary_watermark = $3, updated_at = $4, version = version + 1
            WHERE session_id = $1 AND summary_watermark < $3
            """;
        UpdateProfileMerge = UserMemoryUpsert(u, "u.user_memory || EXCLUDED.user_memory");
        UpdateProfileReplace = UserMemoryUpsert(u, "EXCLUDED.user_memory");

        // PK lookups (the run and its messages through the (session_id, run_id, seq) index).
        // A run of an expired session (head last written at or before the cutoff parameter) is expired with it.
        string LiveRun(int cutoff) => $"(${cutoff}::bigint IS NULL OR EXISTS (SELECT 1 FROM {h} AS lh WHERE lh.session_id = {r}.session_id AND lh.updated_at > ${cutoff}))";
        GetRun = $"SELECT {RunColumns} FROM {r} WHERE session_id = $1 AND run_id = $2 AND {LiveRun(3)}";
        GetRunMessages = $"SELECT seq, message FROM {m} WHERE session_id = $1 AND run_id = $2 ORDER BY seq";

        // Through the run_id index.
        FindRun = $"SELECT {RunColumns} FROM {r} WHERE {FindRunFilter} AND {LiveRun(3)} ORDER BY session_id COLLATE \"C\" LIMIT 1";
        FindRunMessages = $"""
            SELECT seq, message FROM {m}
            WHERE (session_id, run_id) = (SELECT session_id, run_id FROM {r} WHERE {FindRunFilter} ORDER BY session_id COLLATE "C" LIMIT 1)
            ORDER BY seq
            """;

        // Bounded by the unique (session_id, seq) index and LIMIT $3.
        RunsAfter = $"SELECT {RunColumns} FROM {r} WHERE session_id = $1 AND seq > $2 AND {LiveRun(4)} ORDER BY seq DESC LIMIT $3";
        RunsAfterMessages = $"""
            SELECT run_id, seq, message FROM {m}
            WHERE session_id = $1 AND run_id IN (SELECT run_id FROM {r} WHERE session_id = $1 AND seq > $2 ORDER BY seq DESC LIMIT $3)
            ORDER BY seq
            """;

        // ----- record API: sessions -----

        UpsertHead = $"""
            INSERT INTO {h} AS h (session_id, session_type, agent_id, team_id, workflow_id, user_id, session_data, agent_data, metadata,
                summary, summary_watermark, usage, run_count, message_count, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
            ON CONFLICT (session_id) DO UPDATE SET
                session_type = EXCLUDED.session_type, agent_id = EXCLUDED.agent_id, team_id = EXCLUDED.team_id,
                workflow_id = EXCLUDED.workflow_id, user_id = EXCLUDED.user_id, session_data = EXCLUDED.session_data,
                agent_data = EXCLUDED.agent_data, metadata = EXCLUDED.metadata, summary = EXCLUDED.summary,
                summary_watermark = EXCLUDED.summary_watermark, usage = EXCLUDED.usage, run_count = EXCLUDED.run_count,
                message_count = EXCLUDED.message_count, updated_at = EXCLUDED.updated_at, version = h.version + 1
            """;
        DeleteSessionMessages = $"DELETE FROM {m} WHERE session_id = $1";
        DeleteSessionRuns = $"DELETE FROM {r} WHERE session_id = $1";
        InsertMessageRows = $"""
            INSERT INTO {m} (session_id, seq, turn, run_id, in_history, message)
            SELECT $1, s.seq, s.turn, s.run_id, s.in_history, s.message
            FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::boolean[], $6::text[]) AS s(seq, turn, run_id, in_history, message)
            """;
        CountSessions = $"SELECT count(*) FROM {h} WHERE {SessionFilter}";
        SessionMessages = $"SELECT session_id, seq, run_id, in_history, message FROM {m} WHERE session_id = ANY($1) ORDER BY session_id, seq";
        SessionRuns = $"SELECT {RunColumns} FROM {r} WHERE session_id = ANY($1) ORDER BY session_id, seq";
        DeleteSessions = $"DELETE FROM {h} WHERE session_id = ANY($1)";
        DeleteUserSessions = $"DELETE FROM {h} WHERE user_id = $1";

        // ----- record API: user memories -----

        UpsertUserMemory = UserMemoryUpsert(u, "EXCLUDED.user_memory");
        CountUserMemories = $"SELECT count(*) FROM {u} WHERE {UserMemoryFilter}";
        SelectUserMemories = $"""
            SELECT {UserMemoryColumns} FROM {u} WHERE {UserMemoryFilter}
            ORDER BY updated_at DESC, user_id COLLATE "C" ASC LIMIT $5 OFFSET $6
            """;
        DeleteUserMemory = $"DELETE FROM {u} WHERE user_id = $1";

        // Retention: expired heads ($1 cutoff) among $2 (NULL = any), oldest first, at most $4 (messages and runs go by cascade);
        // expired profiles among $3 likewise.
        // The outer updated_at condition is checked again on the row version the DELETE locks: a session or profile written by
        // another transaction after the subquery's snapshot (revived) is no longer expired and stays, with everything written to it.
        DeleteExpiredSessions = $"""
            DELETE FROM {h} WHERE updated_at <= $1 AND session_id IN (
                SELECT session_id FROM {h} WHERE updated_at <= $1 AND ($2::text[] IS NULL OR session_id = ANY($2)) ORDER BY updated_at LIMIT $4)
            """;
        DeleteExpiredUserMemories = $"""
            DELETE FROM {u} WHERE updated_at <= $1 AND user_id IN (
                SELECT user_id FROM {u} WHERE updated_at <= $1 AND ($3::text[] IS NULL OR user_id = ANY($3)) ORDER BY updated_at LIMIT $4)
            """;
        DeleteUserMemories = $"DELETE FROM {u} WHERE user_id = ANY($1)";

        // ----- record API: knowledge -----

        // $14 is the caller's created_at (null: keep the stored one, or now for a new row); $15 is now.
        UpsertKnowledge = $"""
            INSERT INTO {k} AS k ({KnowledgeColumns})
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, COALESCE($14, $15), $15)
            ON CONFLICT (id) DO UPDATE SET
                name = EXCLUDED.name, description = EXCLUDED.description, metadata = EXCLUDED.metadata, type = EXCLUDED.type,
                size = EXCLUDED.size, knowledge_base_id = EXCLUDED.knowledge_base_id, content_hash = EXCLUDED.content_hash,
                chunk_count = EXCLUDED.chunk_count, source = EXCLUDED.source, status = EXCLUDED.status,
                status_message = EXCLUDED.status_message, access_count = EXCLUDED.access_count,
                created_at = COALESCE($14, k.created_at), updated_at = EXCLUDED.updated_at
            RETURNING {KnowledgeColumns}
            """;
        GetKnowledge = $"SELECT {KnowledgeColumns} FROM {k} WHERE id = $1";
        CountKnowledge = $"SELECT count(*) FROM {k} WHERE ($1::text IS NULL OR knowledge_base_id = $1)";
        DeleteKnowledgeMany = $"DELETE FROM {k} WHERE id = ANY($1)";

        // ----- lifecycle -----

        ClearAll = $"TRUNCATE {m}, {r}, {h}, {u}, {k}";
        TableExists = "SELECT to_regclass(format('%I.%I', $1::text, $2::text)) IS NOT NULL";
    }

    public string AppendLockHead { get; }

    public string AppendReadRun { get; }

    public string AppendMessages { get; }

    public string UpsertRun { get; }

    public string AppendUpdateHead { get; }

    public string WindowHead { get; }

    public string WindowMessages { get; }

    public string MergeMetadata { get; }

    public string UpdateSummary { get; }

    public string UpdateProfileMerge { get; }

    public string UpdateProfileReplace { get; }

    public string GetRun { get; }

    public string GetRunMessages { get; }

    public string FindRun { get; }

    public string DeleteExpiredSessions { get; }

    public string DeleteExpiredUserMemories { get; }

    public string FindRunMessages { get; }

    public string RunsAfter { get; }

    public string RunsAfterMessages { get; }

    public string UpsertHead { get; }

    public string DeleteSessionMessages { get; }

    public string DeleteSessionRuns { get; }

    public string InsertMessageRows { get; }

    public string CountSessions { get; }

    public string SessionMessages { get; }

    public string SessionRuns { get; }

    public string DeleteSessions { get; }

    public string DeleteUserSessions { get; }

    public string UpsertUserMemory { get; }

    public string CountUserMemories { get; }

    public string SelectUserMemories { get; }

    public string DeleteUserMemory { get; }

    public string DeleteUserMemories { get; }

    public string UpsertKnowledge { get; }

    public string GetKnowledge { get; }

    public string CountKnowledge { get; }

    public string DeleteKnowledgeMany { get; }

    public string ClearAll { get; }

    public string TableExists { get; }

    /// <summary>Sessions matching the filters ($1 ids, $2 type, $3 user, $4 agent, $5 expiry cutoff) in the listing order, paged by $6 limit (NULL = all) and $7 offset.</summary>
    public string SelectSessions(RecordSortField sortBy, SortOrder order) => $"""
        SELECT {HeadColumns} FROM {_s.Heads} WHERE {SessionFilter}
        ORDER BY {(sortBy == RecordSortField.UpdatedAt ? "COALESCE(updated_at, created_at)" : "created_at")} {Direction(order)}, session_id COLLATE "C" ASC
        LIMIT $6 OFFSET $7
        """;

    /// <summary>Knowledge rows of knowledge base $1 (NULL = all) in the listing order, paged by $2 limit and $3 offset.</summary>
    public string SelectKnowledge(RecordSortField sortBy, SortOrder order) => $"""
        SELECT {KnowledgeColumns} FROM {_s.Knowledge} WHERE ($1::text IS NULL OR knowledge_base_id = $1)
        ORDER BY {(sortBy == RecordSortField.UpdatedAt ? "updated_at" : "created_at")} {Direction(order)}, id COLLATE "C" ASC
        LIMIT $2 OFFSET $3
        """;

    private static string Direction(SortOrder order) => order == SortOrder.Ascending ? "ASC" : "DESC";

    private static string UserMemoryUpsert(string table, string profileValue) => $"""
        INSERT INTO {table} AS u ({UserMemoryColumns}) VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (user_id) DO UPDATE SET
            user_memory = {profileValue}, agent_id = EXCLUDED.agent_id, team_id = EXCLUDED.team_id, updated_at = EXCLUDED.updated_at
        RETURNING {UserMemoryColumns}
        """;
}
