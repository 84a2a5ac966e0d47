namespace Upsonic.Storage.Postgres;

/// <summary>
/// The statements that stream a store in pages (export, import, migrate): keyset reads along primary keys (or the unique
/// (session_id, seq) constraint of runs), and imports that insert or replace rows by their keys. Values are positional parameters.
/// </summary>
/// <remarks>Keysets use the column's own collation, the one its primary-key index is sorted by, so each page is one index range.</remarks>
internal sealed class PostgresPagingStatements
{
    public PostgresPagingStatements(PostgresSchema schema)
    {
        var h = schema.Heads;
        var m = schema.Messages;
        var r = schema.Runs;
        var u = schema.UserMemories;
        var k = schema.Knowledge;

        SelectHeads = $"SELECT {PostgresStatements.HeadColumns} FROM {h} WHERE ($1::text IS NULL OR session_id > $1) ORDER BY session_id LIMIT $2";
        SelectMessages = $"SELECT seq, turn, run_id, in_history, message FROM {m} WHERE session_id = $1 AND seq > $2 ORDER BY seq LIMIT $3";
        SelectRuns = $"SELECT {PostgresStatements.RunColumns} FROM {r} WHERE session_id = $1 AND seq > $2 ORDER BY seq LIMIT $3";
        CountRows = $"""
            SELECT (SELECT count(*) FROM {m} WHERE session_id = $1), (SELECT count(*) FROM {m} WHERE session_id = $1 AND in_history),
                   (SELECT count(*) FROM {r} WHERE session_id = $1)
            FROM {h} WHERE session_id = $1
            """;
        SelectUserMemories = $"SELECT {PostgresStatements.UserMemoryColumns} FROM {u} WHERE ($1::text IS NULL OR user_id > $1) ORDER BY user_id LIMIT $2";
        SelectKnowledge = $"SELECT {PostgresStatements.KnowledgeColumns} FROM {k} WHERE ($1::text IS NULL OR id > $1) ORDER BY id LIMIT $2";

        // The head's fields exactly as given; an existing head keeps its counters (and so its rows stay consistent) and its
        // history epoch, a new one gets one ($15).
        ImportHead = $"""
            INSERT INTO {h} AS h (session_id, session_type, agent_id, team_id, workflow_id, user_id, session_data, agent_data, metadata,
                summary, summary_watermark, usage, created_at, updated_at, history_epoch)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
            ON CONFLICT (session_id) DO UPDATE SET
                session_type = EXCLUDED.session_type, agent_id = EXCLUDED.agent_id, team_id = EXCLUDED.team_id,
                workflow_id = EXCLUDED.workflow_id, user_id = EXCLUDED.user_id, session_data = EXCLUDED.session_data,
                agent_data = EXCLUDED.agent_data, metadata = EXCLUDED.metadata, summary = EXCLUDED.summary,
                summary_watermark = EXCLUDED.summary_watermark, usage = EXCLUDED.usage, created_at = EXCLUDED.created_at,
                updated_at = EXCLUDED.updated_at, version = h.version + 1
            """;

        // One statement: raise the head's counters (locking its row) and upsert the rows (with their token counts, $10) only when
        // the head exists. The rows may replace ones a window mark covers, so the head gets a new history epoch ($9): a mark held
        // from before no longer matches, and its next read is a full window with the imported rows.
        ImportMessages = $"""
            WITH head AS (
                UPDATE {h} SET run_count = GREATEST(run_count, $2), message_count = GREATEST(message_count, $3), version = version + 1,
                    history_epoch = $9
                WHERE session_id = $1 RETURNING session_id)
            INSERT INTO {m} (session_id, seq, turn, run_id, in_history, message, tokens)
            SELECT head.session_id, s.seq, s.turn, s.run_id, s.in_history, s.message, s.tokens
            FROM head, unnest($4::bigint[], $5::bigint[], $6::text[], $7::boolean[], $8::text[], $10::integer[]) AS s(seq, turn, run_id, in_history, message, tokens)
            ON CONFLICT (session_id, seq) DO UPDATE SET
                turn = EXCLUDED.turn, run_id = EXCLUDED.run_id, in_history = EXCLUDED.in_history, message = EXCLUDED.message,
                tokens = EXCLUDED.tokens
            """;
        RaiseRunCount = $"UPDATE {h} SET run_count = GREATEST(run_count, $2), version = version + 1 WHERE session_id = $1";
        ImportRun = $"""
            INSERT INTO {r} ({PostgresStatements.RunColumns})
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
            ON CONFLICT (session_id, run_id) DO UPDATE SET
                seq = EXCLUDED.seq, status = EXCLUDED.status, agent_id = EXCLUDED.agent_id, agent_name = EXCLUDED.agent_name,
                user_id = EXCLUDED.user_id, pause_reason = EXCLUDED.pause_reason, error = EXCLUDED.error, input = EXCLUDED.input,
                output = EXCLUDED.output, usage = EXCLUDED.usage, metadata = EXCLUDED.metadata, message_count = EXCLUDED.message_count,
                created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at
            """;
        ImportUserMemory = $"""
            INSERT INTO {u} ({PostgresStatements.UserMemoryColumns}) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (user_id) DO UPDATE SET user_memory = EXCLUDED.user_memory, agent_id = EXCLUDED.agent_id,
                team_id = EXCLUDED.team_id, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at
            """;
        ImportKnowledge = $"""
            INSERT INTO {k} ({PostgresStatements.KnowledgeColumns})
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
            ON CONFLICT (id) DO UPDATE SET
                name = EXCLUDED.name, description = EXCLUDED.description, metadata = EXCLUDED.metadata, type = EXCLUDED.type,
                size = EXCLUDED.size, knowledge_base_id = EXCLUDED.knowledge_base_id, content_hash = EXCLUDED.content_hash,
                chunk_count = EXCLUDED.chunk_count, source = EXCLUDED.source, status = EXCLUDED.status,
                status_message = EXCLUDED.status_message, access_count = EXCLUDED.access_count,
                created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at
            """;
        SelectVersion = $"SELECT CASE WHEN to_regclass($1) IS NULL THEN NULL ELSE (SELECT version FROM {schema.Versions} WHERE component = 'layout') END";
    }

    public string SelectHeads { get; }
    public string SelectMessages { get; }
    public string SelectRuns { get; }
    public string CountRows { get; }
    public string SelectUserMemories { get; }
    public string SelectKnowledge { get; }
    public string ImportHead { get; }
    public string ImportMessages { get; }
    public string RaiseRunCount { get; }
    public string ImportRun { get; }
    public string ImportUserMemory { get; }
    public string ImportKnowledge { get; }

    /// <summary>The stored layout version, or NULL when the version table does not exist ($1: its quoted, qualified name).</summary>
    public string SelectVersion { get; }

    /// <summary>Which of the relations $2 (names) exist in schema $1.</summary>
    public const string RelationsExist = "SELECT n, to_regclass(format('%I.%I', $1::text, n)) IS NOT NULL FROM unnest($2::text[]) AS n";
}
