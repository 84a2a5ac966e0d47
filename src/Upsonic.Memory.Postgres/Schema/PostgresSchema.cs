using System.Security.Cryptography;
using System.Text;

namespace Upsonic.Storage.Postgres;

/// <summary>
/// The tables, indexes and DDL of <see cref="PostgresStorage"/>: every identifier is validated (by the storage's constructor)
/// and quoted here, so names are never case-folded and never reach SQL unquoted.
/// </summary>
/// <remarks>
/// Layout for a session table <c>S</c> (default <c>upsonic_sessions</c>) in schema <c>X</c>:
/// <c>X.S</c> (session heads), <c>X.S_messages</c> (keyed by (session_id, seq)), <c>X.S_runs</c> (keyed by (session_id, run_id)),
/// <c>X.S_schema_version</c> (one row per layout component), plus the user-memory and knowledge tables.
/// Derived names longer than PostgreSQL's 63-byte limit are shortened with a hash instead of being truncated by the server.
/// </remarks>
internal sealed class PostgresSchema
{
    /// <summary>The layout version this code writes; a database at a newer version is refused.</summary>
    /// <remarks>2 added token counts and history epochs; 3 dropped the messages' run index and, unless the storage expires sessions,
    /// the heads' <c>updated_at</c> index; 4 dropped the foreign keys of the message and run rows to their heads (see
    /// <see cref="CreateScript"/>).</remarks>
    public const int LayoutVersion = 4;

    /// <param name="schema">The PostgreSQL schema of the tables.</param>
    /// <param name="sessionTable">The session head table; the message, run and version tables are named after it.</param>
    /// <param name="userMemoryTable">The user-memory table.</param>
    /// <param name="knowledgeTable">The knowledge table.</param>
    /// <param name="expiring">Whether the storage expires sessions: only then does the layout keep the heads' <c>updated_at</c>
    /// index, which the expiry sweep reads and which would otherwise cost every turn's head update its index entries (an update
    /// that changes an indexed column writes a new entry in every index of the table, one that changes none is a heap-only update).</param>
    public PostgresSchema(string schema, string sessionTable, string userMemoryTable, string knowledgeTable, bool expiring = false)
    {
        Expiring = expiring;
        Schema = schema;
        SessionTable = sessionTable;
        MessageTable = Derive(sessionTable, "_messages");
        RunTable = Derive(sessionTable, "_runs");
        VersionTable = Derive(sessionTable, "_schema_version");
        UserMemoryTable = userMemoryTable;
        KnowledgeTable = knowledgeTable;

        Heads = Qualify(SessionTable);
        Messages = Qualify(MessageTable);
        Runs = Qualify(RunTable);
        Versions = Qualify(VersionTable);
        UserMemories = Qualify(UserMemoryTable);
        Knowledge = Qualify(KnowledgeTable);
    }

    public string Schema { get; }

    /// <summary>Whether the heads' <c>updated_at</c> index is part of this layout (see the constructor).</summary>
    public bool Expiring { get; }

    public string SessionTable { get; }

    public string MessageTable { get; }

    public string RunTable { get; }

    public string VersionTable { get; }

    public string UserMemoryTable { get; }

    public string KnowledgeTable { get; }

    /// <summary>The quoted, schema-qualified session head table.</summary>
    public string Heads { get; }

    /// <summary>The quoted, schema-qualified message table.</summary>
    public string Messages { get; }

    /// <summary>The quoted, schema-qualified run table.</summary>
    public string Runs { get; }

    /// <summary>The quoted, schema-qualified schema-version table.</summary>
    public string Versions { get; }

    /// <summary>The quoted, schema-qualified user-memory table.</summary>
    public string UserMemories { get; }

    /// <summary>The quoted, schema-qualified knowledge table.</summary>
    public string Knowledge { get; }

    /// <summary>Reads the stored layout version.</summary>
    public string ReadVersion => $"SELECT version FROM {Versions} WHERE component = 'layout'";

    /// <summary>Quotes a validated identifier (validated names hold no quotes; doubling them keeps this safe regardless).</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>
    /// The DDL, idempotent and run in one transaction under an advisory lock, so concurrent first uses from several processes
    /// do not race on <c>CREATE ... IF NOT EXISTS</c> (which is not concurrency-safe in PostgreSQL).
    /// </summary>
    /// <param name="createSchema">Whether to run <c>CREATE SCHEMA IF NOT EXISTS</c> (skipped for <c>public</c>, which needs no creation
    /// and whose creation check would need CREATE rights on the database).</param>
    public string CreateScript(bool createSchema)
    {
        var sql = new StringBuilder();
        sql.Append("SELECT pg_advisory_xact_lock(hashtext(").Append(Literal(Schema + "." + SessionTable)).Append("));\n");
        if (createSchema && Schema != "public")
        {
            sql.Append("CREATE SCHEMA IF NOT EXISTS ").Append(Quote(Schema)).Append(";\n");
        }

        // Session heads: the small, frequently rewritten part of a session. Timestamps are UTC epoch milliseconds (as upstream).
        sql.Append($"""
            CREATE TABLE IF NOT EXISTS {Heads} (
                session_id text PRIMARY KEY,
                session_type text NOT NULL,
                agent_id text,
                team_id text,
                workflow_id text,
                user_id text,
                session_data jsonb,
                agent_data jsonb,
                metadata jsonb,
                summary text,
                summary_watermark bigint NOT NULL DEFAULT 0,
                usage jsonb,
                run_count bigint NOT NULL DEFAULT 0,
                message_count bigint NOT NULL DEFAULT 0,
                history_epoch bigint NOT NULL DEFAULT 0,
                created_at bigint NOT NULL,
                updated_at bigint,
                version bigint NOT NULL DEFAULT 0);
            CREATE INDEX IF NOT EXISTS {Index(SessionTable, "_user_idx")} ON {Heads} (user_id);
            CREATE INDEX IF NOT EXISTS {Index(SessionTable, "_agent_idx")} ON {Heads} (agent_id);
            CREATE INDEX IF NOT EXISTS {Index(SessionTable, "_created_idx")} ON {Heads} (created_at);

            """);

        // Messages and runs belong to the head of their session_id without a foreign key: the key's check on every inserted row
        // was a large part of a turn's server time. The storage keeps the rule itself: every write of a session's rows holds the
        // head's row lock (and writes nothing without a head), and a delete removes the rows after the head, in its transaction.
        // Messages: append-only rows. The message is JSON text in a text column, not jsonb: jsonb cannot hold U+0000 (not even
        // as the escape \u0000), the JSON is never queried inside, and text stores System.Text.Json's output byte for byte.
        sql.Append($"""
            CREATE TABLE IF NOT EXISTS {Messages} (
                session_id text NOT NULL,
                seq bigint NOT NULL,
                turn bigint NOT NULL,
                run_id text,
                in_history boolean NOT NULL,
                message text NOT NULL,
                tokens integer,
                PRIMARY KEY (session_id, seq));
            CREATE INDEX IF NOT EXISTS {Index(MessageTable, "_window_idx")} ON {Messages} (session_id, in_history, turn);

            """);

        sql.Append($"""
            CREATE TABLE IF NOT EXISTS {Runs} (
                session_id text NOT NULL,
                run_id text NOT NULL,
                seq bigint NOT NULL,
                status text NOT NULL,
                agent_id text,
                agent_name text,
                user_id text,
                pause_reason text,
                error text,
                input text,
                output text,
                usage jsonb,
                metadata jsonb,
                message_count integer NOT NULL,
                created_at bigint,
                updated_at bigint,
                PRIMARY KEY (session_id, run_id),
                UNIQUE (session_id, seq));
            CREATE INDEX IF NOT EXISTS {Index(RunTable, "_run_id_idx")} ON {Runs} (run_id);

            """);

        sql.Append($"""
            CREATE TABLE IF NOT EXISTS {UserMemories} (
                user_id text PRIMARY KEY,
                user_memory jsonb NOT NULL,
                agent_id text,
                team_id text,
                created_at bigint NOT NULL,
                updated_at bigint NOT NULL);
            CREATE INDEX IF NOT EXISTS {Index(UserMemoryTable, "_updated_idx")} ON {UserMemories} (updated_at);

            CREATE TABLE IF NOT EXISTS {Knowledge} (
                id text PRIMARY KEY,
                name text NOT NULL,
                description text,
                metadata jsonb,
                type text,
                size bigint,
                knowledge_base_id text,
                content_hash text,
                chunk_count integer,
                source text,
                status text,
                status_message text,
                access_count integer NOT NULL DEFAULT 0,
                created_at bigint NOT NULL,
                updated_at bigint NOT NULL);
            CREATE INDEX IF NOT EXISTS {Index(KnowledgeTable, "_kb_idx")} ON {Knowledge} (knowledge_base_id);

            CREATE TABLE IF NOT EXISTS {Versions} (
                component text PRIMARY KEY,
                version integer NOT NULL);
            INSERT INTO {Versions} (component, version) VALUES ('layout', {LayoutVersion}) ON CONFLICT (component) DO NOTHING;

            -- Layout 2: a token count per message and a history epoch per head. A layout-1 database gets the columns, and every
            -- stored message its count estimated once from its text (the rule of MessageTokens), in this transaction.
            ALTER TABLE {Messages} ADD COLUMN IF NOT EXISTS tokens integer;
            ALTER TABLE {Heads} ADD COLUMN IF NOT EXISTS history_epoch bigint NOT NULL DEFAULT 0;
            UPDATE {Messages} SET tokens = (length(message) + 3) / 4
                WHERE tokens IS NULL AND (SELECT version FROM {Versions} WHERE component = 'layout') < 2;
            UPDATE {Versions} SET version = 2 WHERE component = 'layout' AND version < 2;

            -- Layout 3: a run's messages carry its sequence as their turn (appended or written whole, see SessionRows), so they are
            -- read through the window index; the (session_id, run_id, seq) index, which every message insert paid for, is dropped.
            -- The heads' updated_at index is kept only by a storage that expires sessions (its sweep reads it): dropped once here,
            -- and created again below for an expiring storage.
            DROP INDEX IF EXISTS {Qualify(Derive(MessageTable, "_run_idx"))};
            DO $upgrade$ BEGIN
                IF (SELECT version FROM {Versions} WHERE component = 'layout') < 3 THEN
                    DROP INDEX IF EXISTS {Qualify(Derive(SessionTable, "_updated_idx"))};
                END IF;
            END $upgrade$;
            UPDATE {Versions} SET version = 3 WHERE component = 'layout' AND version < 3;
            {(Expiring ? $"CREATE INDEX IF NOT EXISTS {Index(SessionTable, "_updated_idx")} ON {Heads} (updated_at);" : "")}

            -- Layout 4: the message and run rows' foreign keys to the heads (created by earlier layouts) are dropped.
            DO $upgrade$ DECLARE k record; BEGIN
                FOR k IN SELECT conrelid::regclass AS child, conname FROM pg_constraint
                         WHERE contype = 'f' AND confrelid = {Literal(Heads)}::regclass
                           AND conrelid IN ({Literal(Messages)}::regclass, {Literal(Runs)}::regclass) LOOP
                    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', k.child, k.conname);
                END LOOP;
            END $upgrade$;
            UPDATE {Versions} SET version = 4 WHERE component = 'layout' AND version < 4;
            """);
        return sql.ToString();
    }

    /// <summary>The tables of the layout (unquoted names in <see cref="Schema"/>), for the schema report.</summary>
    public IReadOnlyList<string> TableNames => [SessionTable, MessageTable, RunTable, VersionTable, UserMemoryTable, KnowledgeTable];

    /// <summary>The indexes <see cref="CreateScript"/> creates (unquoted names in <see cref="Schema"/>), for the schema report.</summary>
    public IReadOnlyList<string> IndexNames =>
        System.Text.RegularExpressions.Regex.Matches(CreateScript(false), "CREATE INDEX IF NOT EXISTS \"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();

    /// <summary><paramref name="name"/> + <paramref name="suffix"/>, shortened with a stable hash when it exceeds 63 characters.</summary>
    public static string Derive(string name, string suffix)
    {
        if (name.Length + suffix.Length <= StorageNames.MaxLength)
        {
            return name + suffix;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)).AsSpan(0, 4));
        return name[..(StorageNames.MaxLength - suffix.Length - hash.Length - 1)] + "_" + hash + suffix;
    }

    private string Qualify(string table) => Quote(Schema) + "." + Quote(table);

    private static string Index(string table, string suffix) => Quote(Derive(table, suffix));

    // Only for the advisory-lock key, built from validated names (letters, digits, underscores, a dot).
    private static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
