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

    /// <summary>The first column after <see cref="HeadColumns"/> in a <see cref="WindowMessages"/> row: kind (0 the head, 1 a history
    /// row), then seq (the head's message count), turn (the head's history epoch), run_id, message and tokens.</summary>
    public const int WindowRowOrdinal = 14;

    /// <summary>The window statement's history rows in place of <see cref="HeadColumns"/>.</summary>
    private const string NoHead = "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL";

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

    // What a run upsert changes on an existing run: everything but seq and created_at.
    private const string RunUpdate = """
        status = EXCLUDED.status, agent_id = EXCLUDED.agent_id, agent_name = EXCLUDED.agent_name, user_id = EXCLUDED.user_id,
            pause_reason = EXCLUDED.pause_reason, error = EXCLUDED.error, input = EXCLUDED.input, output = EXCLUDED.output,
            usage = EXCLUDED.usage, metadata = EXCLUDED.metadata, message_count = EXCLUDED.message_count, updated_at = EXCLUDED.updated_at
        """;

    private const string FindRunFilter = "run_id = $1 AND ($2::text IS NULL OR agent_id = $2)";

    /// <summary>
    /// Set around <see cref="WindowMessages"/> and <see cref="WindowSince"/>: once prepared, each runs with its generic plan instead of
    /// being planned again on every turn. Left to itself PostgreSQL keeps custom plans for them, because a custom plan that sees the
    /// parameters is estimated cheaper, although both are the same index walk; planning then costs more than running the statement.
    /// </summary>
    public const string GenericPlans = "SET plan_cache_mode = force_generic_plan";

    /// <summary>Restores PostgreSQL's own choice of plans after a window statement.</summary>
    public const string DefaultPlans = "SET plan_cache_mode = auto";

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

        // PK upsert of one head row: creates the session, or takes the row lock of its head that serializes all writers of this
        // session until commit. DO UPDATE locks the conflicting row even when its WHERE is false, and with WHERE false it writes
        // no new version of the row (the append's own update is the head's one write per turn). A row is returned only when the
        // head was created.
        AppendLockHead = $"""
            INSERT INTO {h} AS h (session_id, session_type, agent_id, user_id, metadata, history_epoch, created_at, updated_at)
            VALUES ($1, 'agent', $2, $3, '{"{}"}'::jsonb, $5, $4, $4)
            ON CONFLICT (session_id) DO UPDATE SET version = h.version WHERE false
            RETURNING true AS created
            """;

        // The rest of an append as one statement, run after AppendLockHead in the same transaction (so its snapshot sees the
        // latest committed head and run): the append plan of RunAppendPlan computed from the locked head and the run's earlier
        // save, then the run's new messages (one unnest insert), the run row upsert (seq and created_at of an existing run kept)
        // and the head update. Everything is addressed by primary key: the cost is independent of the history's length.
        // $1 session, $2 run id, $3-$12 run fields (status ... metadata), $13 now, $14 in history, $15 every message of the run,
        // $16 the append's agent name (NULL = none), $17 the token estimate of every message of the run.
        AppendWrite = $"""
            WITH head AS (SELECT run_count, message_count, usage FROM {h} WHERE session_id = $1),
            previous AS (SELECT seq, message_count, usage FROM {r} WHERE session_id = $1 AND run_id = $2),
            plan AS (
                SELECT COALESCE(p.seq, h.run_count + 1) AS seq, COALESCE(p.message_count, 0) AS stored, h.message_count AS base,
                    GREATEST(0, cardinality($15::text[]) - COALESCE(p.message_count, 0)) AS appended, p.seq IS NULL AS run_created,
                    h.usage AS head_usage, p.usage AS previous_usage
                FROM head AS h LEFT JOIN previous AS p ON true),
            new_messages AS (
                INSERT INTO {m} (session_id, seq, turn, run_id, in_history, message, tokens)
                SELECT $1, plan.base + s.ord - plan.stored, plan.seq, $2, $14, s.message, ($17::integer[])[s.ord]
                FROM plan, unnest($15::text[]) WITH ORDINALITY AS s(message, ord)
                WHERE s.ord > plan.stored),
            run AS (
                INSERT INTO {r} ({RunColumns})
                SELECT $1, $2, plan.seq, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, GREATEST(plan.stored, cardinality($15::text[])), $13, $13
                FROM plan
                ON CONFLICT (session_id, run_id) DO UPDATE SET {RunUpdate}),
            head_update AS (
                UPDATE {h} SET run_count = GREATEST(run_count, plan.seq), message_count = message_count + plan.appended,
                    usage = {UsageAfterRun("plan.head_usage", "$11::jsonb", "plan.previous_usage")},
                    agent_data = CASE WHEN $16::text IS NULL THEN agent_data ELSE COALESCE(agent_data, '{"{}"}'::jsonb) || jsonb_build_object('agent_name', $16::text) END,
                    updated_at = $13, version = version + 1
                FROM plan
                WHERE session_id = $1)
            SELECT seq, appended, run_created FROM plan
            """;

        // PK upsert of one run row (record API); seq and created_at of an existing run are kept.
        UpsertRun = $"""
            INSERT INTO {r} ({RunColumns})
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
            ON CONFLICT (session_id, run_id) DO UPDATE SET {RunUpdate}
            """;

        // $1 session, $2 the most turns (NULL = all), $3 the token budget (NULL = none), $4 the expiry cutoff (NULL = none). One
        // statement, so one snapshot: its first row (kind 0) is the head (the HeadColumns, then its message count and history epoch
        // as the mark), absent when there is no live session; the window's history rows (kind 1) follow: a recursive walk down the
        // (session_id, in_history, turn) index, one turn per step (the previous turn by index, the accepted turn's token sum by
        // index range), up to $2 turns or the first turn past $3 tokens, then those turns' rows joined by index. Rows read = the
        // window's, whatever the history length. History rows carry NULL head columns.
        WindowMessages = $"""
            WITH RECURSIVE walk(turn, kept, running, n) AS (
                SELECT (SELECT max(turn) FROM {m} WHERE session_id = $1 AND in_history), NULL::bigint, 0::bigint, 0::bigint
                UNION ALL
                SELECT (SELECT max(x.turn) FROM {m} AS x WHERE x.session_id = $1 AND x.in_history AND x.turn < w.turn), w.turn,
                    w.running + (SELECT COALESCE(sum(COALESCE(x.tokens, (length(x.message) + 3) / 4)), 0)::bigint FROM {m} AS x
                                 WHERE x.session_id = $1 AND x.in_history AND x.turn = w.turn),
                    w.n + 1
                FROM walk AS w
                WHERE w.turn IS NOT NULL AND ($2::bigint IS NULL OR w.n < $2)
                  AND ($3::bigint IS NULL OR w.running + (SELECT COALESCE(sum(COALESCE(x.tokens, (length(x.message) + 3) / 4)), 0)::bigint
                                                          FROM {m} AS x WHERE x.session_id = $1 AND x.in_history AND x.turn = w.turn) <= $3))
            SELECT {HeadColumns}, 0 AS kind, message_count AS seq, history_epoch AS turn, NULL::text AS run_id, NULL::text AS message, NULL::bigint AS tokens
            FROM {h} WHERE session_id = $1 AND ($4::bigint IS NULL OR updated_at > $4)
            UNION ALL
            SELECT {NoHead}, 1, m.seq, m.turn, m.run_id, m.message, COALESCE(m.tokens, (length(m.message) + 3) / 4)::bigint FROM {m} AS m
            JOIN (SELECT kept FROM walk WHERE n >= 1) AS k ON m.turn = k.kept
            WHERE m.session_id = $1 AND m.in_history
            ORDER BY kind, turn, seq
            """;

        // $1 session, $2 and $3 the mark held (epoch, message sequence), $4 the most new messages read (IncrementalReadLimit), $5
        // the expiry cutoff (NULL = none). The read of a caller that holds the window up to a mark, in the rows of WindowMessages:
        // the head, then the history rows stored after the mark, when the head still has the mark's epoch and at most $4 messages
        // were stored since (otherwise none, and the caller reads the full window). The rows are a primary-key range bounded on both
        // sides ($3 < seq <= the head's message count): the generic plan cannot see $3, and with a one-sided bound it estimates a
        // third of the session's rows, which on a table of few long sessions makes it scan the whole table instead of the range. A
        // plan of a few nodes: this is the statement of nearly every turn.
        WindowSince = $"""
            SELECT {HeadColumns}, 0 AS kind, message_count AS seq, history_epoch AS turn, NULL::text AS run_id, NULL::text AS message, NULL::bigint AS tokens
            FROM {h} WHERE session_id = $1 AND ($5::bigint IS NULL OR updated_at > $5)
            UNION ALL
            SELECT {NoHead}, 1, m.seq, m.turn, m.run_id, m.message, COALESCE(m.tokens, (length(m.message) + 3) / 4)::bigint FROM {m} AS m
            WHERE m.session_id = $1 AND m.in_history AND m.seq > $3 AND m.seq <= (
                SELECT message_count FROM {h}
                WHERE session_id = $1 AND history_epoch = $2 AND message_count >= $3 AND message_count - $3 <= $4 AND ($5::bigint IS NULL OR updated_at > $5))
            ORDER BY kind, turn, seq
            """;

        // Single atomic statements: the merge happens inside PostgreSQL under the row lock, so concurrent writers never lose keys.
        MergeMetadata = $"""
            UPDATE {h} SET metadata = COALESCE(metadata, '{"{}"}'::jsonb) || $2::jsonb, updated_at = $3, version = version + 1
            WHERE session_id = $1
            """;
        UpdateSummary = $"""
            UPDATE {h} SET summary = $2, summary_watermark = $3, updated_at = $4, version = version + 1
            WHERE session_id = $1 AND summary_watermark <= $3
            """;
        UpdateProfileMerge = UserMemoryUpsert(u, "u.user_memory || EXCLUDED.user_memory");
        UpdateProfileReplace = UserMemoryUpsert(u, "EXCLUDED.user_memory");

        // PK lookups (the run by primary key, its messages by the window index).
        // A run of an expired session (head last written at or before the cutoff parameter) is expired with it.
        string LiveRun(int cutoff) => $"(${cutoff}::bigint IS NULL OR EXISTS (SELECT 1 FROM {h} AS lh WHERE lh.session_id = {r}.session_id AND lh.updated_at > ${cutoff}))";
        GetRun = $"SELECT {RunColumns} FROM {r} WHERE session_id = $1 AND run_id = $2 AND {LiveRun(3)}";
        // A run's messages carry its sequence as their turn: found through the (session_id, in_history, turn) index, in and out of
        // history (two index ranges), with no index of their own to keep up on every insert.
        GetRunMessages = $"""
            SELECT seq, message FROM {m}
            WHERE session_id = $1 AND in_history IN (true, false) AND turn = (SELECT seq FROM {r} WHERE session_id = $1 AND run_id = $2) AND run_id = $2
            ORDER BY seq
            """;

        // Through the run_id index.
        FindRun = $"SELECT {RunColumns} FROM {r} WHERE {FindRunFilter} AND {LiveRun(3)} ORDER BY session_id COLLATE \"C\" LIMIT 1";
        FindRunMessages = $"""
            SELECT m.seq, m.message FROM {m} AS m
            JOIN (SELECT session_id, run_id, seq FROM {r} WHERE {FindRunFilter} ORDER BY session_id COLLATE "C" LIMIT 1) AS run
              ON m.session_id = run.session_id AND m.in_history IN (true, false) AND m.turn = run.seq AND m.run_id = run.run_id
            ORDER BY m.seq
            """;

        // Bounded by the unique (session_id, seq) index and LIMIT $3.
        RunsAfter = $"SELECT {RunColumns} FROM {r} WHERE session_id = $1 AND seq > $2 AND {LiveRun(4)} ORDER BY seq DESC LIMIT $3";
        RunsAfterMessages = $"""
            SELECT m.run_id, m.seq, m.message FROM {m} AS m
            JOIN (SELECT run_id, seq FROM {r} WHERE session_id = $1 AND seq > $2 ORDER BY seq DESC LIMIT $3) AS run
              ON m.session_id = $1 AND m.in_history IN (true, false) AND m.turn = run.seq AND m.run_id = run.run_id
            ORDER BY m.seq
            """;

        // ----- record API: sessions -----

        UpsertHead = $"""
            INSERT INTO {h} AS h (session_id, session_type, agent_id, team_id, workflow_id, user_id, session_data, agent_data, metadata,
                summary, summary_watermark, usage, run_count, message_count, created_at, updated_at, history_epoch)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
            ON CONFLICT (session_id) DO UPDATE SET history_epoch = EXCLUDED.history_epoch,
                session_type = EXCLUDED.session_type, agent_id = EXCLUDED.agent_id, team_id = EXCLUDED.team_id,
                workflow_id = EXCLUDED.workflow_id, user_id = EXCLUDED.user_id, session_data = EXCLUDED.session_data,
                agent_data = EXCLUDED.agent_data, metadata = EXCLUDED.metadata, summary = EXCLUDED.summary,
                summary_watermark = EXCLUDED.summary_watermark, usage = EXCLUDED.usage, run_count = EXCLUDED.run_count,
                message_count = EXCLUDED.message_count, updated_at = EXCLUDED.updated_at, version = h.version + 1
            """;
        InsertMessageRows = $"""
            INSERT INTO {m} (session_id, seq, turn, run_id, in_history, message, tokens)
            SELECT $1, s.seq, s.turn, s.run_id, s.in_history, s.message, s.tokens
            FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::boolean[], $6::text[], $7::integer[]) AS s(seq, turn, run_id, in_history, message, tokens)
            """;
        CountSessions = $"SELECT count(*) FROM {h} WHERE {SessionFilter}";
        SessionMessages = $"SELECT session_id, seq, run_id, in_history, message FROM {m} WHERE session_id = ANY($1) ORDER BY session_id, seq";
        SessionRuns = $"SELECT {RunColumns} FROM {r} WHERE session_id = ANY($1) ORDER BY session_id, seq";
        // Heads are deleted first, returning their ids, and their rows after them by DeleteSessionsMessages and DeleteSessionsRuns (see
        // PostgresStorage.DeleteHeadsAsync): no foreign key does it for them. A whole-session rewrite deletes its rows with the same two.
        DeleteSessions = $"DELETE FROM {h} WHERE session_id = ANY($1) RETURNING session_id";
        DeleteUserSessions = $"DELETE FROM {h} WHERE user_id = $1 RETURNING session_id";
        DeleteSessionsMessages = $"DELETE FROM {m} WHERE session_id = ANY($1)";
        DeleteSessionsRuns = $"DELETE FROM {r} WHERE session_id = ANY($1)";

        // ----- record API: user memories -----

        UpsertUserMemory = UserMemoryUpsert(u, "EXCLUDED.user_memory");
        CountUserMemories = $"SELECT count(*) FROM {u} WHERE {UserMemoryFilter}";
        SelectUserMemories = $"""
            SELECT {UserMemoryColumns} FROM {u} WHERE {UserMemoryFilter}
            ORDER BY updated_at DESC, user_id COLLATE "C" ASC LIMIT $5 OFFSET $6
            """;
        DeleteUserMemory = $"DELETE FROM {u} WHERE user_id = $1";

        // Retention: expired heads ($1 cutoff) among $2 (NULL = any), oldest first, at most $4 (returning their ids, whose rows
        // are deleted after them, as DeleteSessions');
        // expired profiles among $3 likewise.
        // The outer updated_at condition is checked again on the row version the DELETE locks: a session or profile written by
        // another transaction after the subquery's snapshot (revived) is no longer expired and stays, with everything written to it.
        DeleteExpiredSessions = $"""
            DELETE FROM {h} WHERE updated_at <= $1 AND session_id IN (
                SELECT session_id FROM {h} WHERE updated_at <= $1 AND ($2::text[] IS NULL OR session_id = ANY($2)) ORDER BY updated_at LIMIT $4)
            RETURNING session_id
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

    public string AppendWrite { get; }

    public string UpsertRun { get; }

    public string WindowMessages { get; }

    public string WindowSince { get; }

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

    public string InsertMessageRows { get; }

    public string CountSessions { get; }

    public string SessionMessages { get; }

    public string SessionRuns { get; }

    public string DeleteSessions { get; }

    public string DeleteUserSessions { get; }

    public string DeleteSessionsMessages { get; }

    public string DeleteSessionsRuns { get; }

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

    /// <summary>
    /// The SQL of <see cref="UsageMath.ApplyRunDelta"/>: <paramref name="total"/> + <paramref name="runNow"/> − <paramref name="runBefore"/>
    /// over stored usage JSON, key by key (absent = 0, absent in all three = absent), <c>additionalCounts</c> likewise;
    /// <paramref name="total"/> unchanged when the run has no usage now or before.
    /// </summary>
    private static string UsageAfterRun(string total, string runNow, string runBefore)
    {
        string Sums(string path) => $"""
            SELECT e.key, to_jsonb(sum(CASE WHEN u.before THEN -1 ELSE 1 END * (e.value #>> '{"{}"}')::numeric)) AS value
                FROM (VALUES ({total}, false), ({runNow}, false), ({runBefore}, true)) AS u(j, before), jsonb_each({path}) AS e
                WHERE jsonb_typeof(e.value) = 'number' GROUP BY e.key
            """;
        return $"""
            CASE WHEN {runNow} IS NULL AND {runBefore} IS NULL THEN {total} ELSE (
                SELECT COALESCE(jsonb_object_agg(t.key, t.value), '{"{}"}'::jsonb) FROM (
                    {Sums("CASE WHEN jsonb_typeof(u.j) = 'object' THEN u.j END")}
                    UNION ALL
                    SELECT 'additionalCounts', jsonb_object_agg(c.key, c.value) FROM ({Sums("CASE WHEN jsonb_typeof(u.j -> 'additionalCounts') = 'object' THEN u.j -> 'additionalCounts' END")}) AS c
                    HAVING count(*) > 0) AS t)
            END
            """;
    }

    private static string UserMemoryUpsert(string table, string profileValue) => $"""
        INSERT INTO {table} AS u ({UserMemoryColumns}) VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (user_id) DO UPDATE SET
            user_memory = {profileValue}, agent_id = EXCLUDED.agent_id, team_id = EXCLUDED.team_id, updated_at = EXCLUDED.updated_at
        RETURNING {UserMemoryColumns}
        """;
}
