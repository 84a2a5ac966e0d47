namespace Upsonic.Storage.Sqlite;

/// <summary>
/// The table names of one <see cref="SqliteStorage"/> and the DDL that creates them: the only place that defines the SQLite layout.
/// </summary>
/// <remarks>
/// <para>Names are validated by <see cref="StorageNames.Validate"/> before they get here and are always written quoted.
/// Timestamps are INTEGER unix milliseconds (UTC); JSON is single-encoded TEXT.</para>
/// <para>Layout (append-only): the session table holds one small head row per session; <c>&lt;session&gt;_messages</c> holds one
/// row per message keyed (session_id, seq); <c>&lt;session&gt;_runs</c> one row per run keyed (session_id, run_id);
/// <c>&lt;session&gt;_schema</c> the schema version. Saving a turn inserts rows and updates the head; it never rewrites history.</para>
/// </remarks>
internal sealed class SqliteSchema
{
    /// <summary>The version written to the schema table; bump it with a migration when the layout changes.</summary>
    /// <remarks>2 added the token count of each message (<c>tokens</c>) and the session's history epoch (<c>history_epoch</c>); see
    /// <see cref="MigrateToVersion2"/>. 3 dropped the messages' run index and (unless the storage expires sessions) the heads' <c>updated_at</c> index, which every
    /// turn paid for; see <see cref="MigrateToVersion3"/>.</remarks>
    public const int Version = 3;

    /// <summary>The component name of the schema-version row.</summary>
    public const string Component = "upsonic_memory_sqlite";

    /// <param name="sessionTable">The session head table; the message, run and schema tables are named after it.</param>
    /// <param name="userMemoryTable">The user-memory table.</param>
    /// <param name="knowledgeTable">The knowledge table.</param>
    /// <param name="expiring">Whether the storage expires sessions: only then does it keep the heads' <c>updated_at</c> index, which
    /// the expiry sweep reads and which every turn's head update would otherwise pay for (one more page written).</param>
    public SqliteSchema(string sessionTable, string userMemoryTable, string knowledgeTable, bool expiring = false)
    {
        Expiring = expiring;
        SessionTable = sessionTable;
        MessageTable = sessionTable + "_messages";
        RunTable = sessionTable + "_runs";
        SchemaTable = sessionTable + "_schema";
        UserMemoryTable = userMemoryTable;
        KnowledgeTable = knowledgeTable;
        foreach (var derived in new[] { MessageTable, RunTable, SchemaTable })
        {
            if (derived.Length > StorageNames.MaxLength)
            {
                throw new ArgumentException(
                    $"The session table name '{sessionTable}' is too long: the derived table '{derived}' must fit {StorageNames.MaxLength} characters.",
                    nameof(sessionTable));
            }
        }
    }

    public string SessionTable { get; }

    /// <summary>Whether the heads' <c>updated_at</c> index is part of this layout (see the constructor).</summary>
    public bool Expiring { get; }

    public string MessageTable { get; }

    public string RunTable { get; }

    public string SchemaTable { get; }

    public string UserMemoryTable { get; }

    public string KnowledgeTable { get; }

    /// <summary>The (session_id, in_history, turn) index of messages: windows and a run's messages are read through it.</summary>
    public string MessageHistoryIndex => IndexName(MessageTable, "history");

    /// <summary>Every table this storage owns, for existence checks and <c>ClearAll</c>.</summary>
    public IReadOnlyList<string> DataTables => [SessionTable, MessageTable, RunTable, UserMemoryTable, KnowledgeTable];

    /// <summary>An identifier in double quotes (names are validated, so they never contain a quote).</summary>
    public static string Quote(string name) => "\"" + name + "\"";

    private static string IndexName(string table, string suffix) => "idx_" + table + "_" + suffix;

    private static string Index(string table, string suffix, string columns, bool unique = false) =>
        $"CREATE {(unique ? "UNIQUE " : "")}INDEX IF NOT EXISTS {Quote(IndexName(table, suffix))} ON {Quote(table)} ({columns});";

    /// <summary>Creates every table and index idempotently and records the schema version. Run inside one write transaction.</summary>
    public string CreateAll()
    {
        string s = Quote(SessionTable), m = Quote(MessageTable), r = Quote(RunTable), u = Quote(UserMemoryTable), k = Quote(KnowledgeTable), v = Quote(SchemaTable);
        return $"""
            CREATE TABLE IF NOT EXISTS {v} (
                component TEXT PRIMARY KEY,
                version INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL);
            INSERT INTO {v} (component, version, created_at, updated_at) VALUES ('{Component}', {Version}, @now, @now)
                ON CONFLICT(component) DO NOTHING;

            CREATE TABLE IF NOT EXISTS {s} (
                session_id TEXT NOT NULL PRIMARY KEY,
                session_type TEXT NOT NULL,
                agent_id TEXT,
                team_id TEXT,
                workflow_id TEXT,
                user_id TEXT,
                session_data TEXT,
                agent_data TEXT,
                metadata TEXT,
                summary TEXT,
                summary_watermark INTEGER NOT NULL DEFAULT 0,
                usage TEXT,
                run_count INTEGER NOT NULL DEFAULT 0,
                message_count INTEGER NOT NULL DEFAULT 0,
                version INTEGER NOT NULL DEFAULT 1,
                history_epoch INTEGER NOT NULL DEFAULT 0,
                created_at INTEGER NOT NULL,
                updated_at INTEGER);
            {Index(SessionTable, "session_type", "session_type")}
            {Index(SessionTable, "agent_id", "agent_id")}
            {Index(SessionTable, "team_id", "team_id")}
            {Index(SessionTable, "workflow_id", "workflow_id")}
            {Index(SessionTable, "user_id", "user_id")}
            {Index(SessionTable, "created_at", "created_at")}
            {(Expiring ? Index(SessionTable, "updated_at", "updated_at") : "")}

            CREATE TABLE IF NOT EXISTS {m} (
                session_id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                turn INTEGER NOT NULL,
                run_id TEXT,
                in_history INTEGER NOT NULL,
                message TEXT NOT NULL,
                tokens INTEGER,
                PRIMARY KEY (session_id, seq));
            {Index(MessageTable, "history", "session_id, in_history, turn")}

            CREATE TABLE IF NOT EXISTS {r} (
                session_id TEXT NOT NULL,
                run_id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                agent_id TEXT,
                status TEXT NOT NULL,
                fields TEXT NOT NULL,
                usage TEXT,
                metadata TEXT,
                message_count INTEGER NOT NULL,
                created_at INTEGER,
                updated_at INTEGER,
                PRIMARY KEY (session_id, run_id));
            {Index(RunTable, "seq", "session_id, seq", unique: true)}
            {Index(RunTable, "run_id", "run_id")}

            CREATE TABLE IF NOT EXISTS {u} (
                user_id TEXT NOT NULL PRIMARY KEY,
                user_memory TEXT NOT NULL,
                agent_id TEXT,
                team_id TEXT,
                created_at INTEGER NOT NULL,
                updated_at INTEGER);
            {Index(UserMemoryTable, "agent_id", "agent_id")}
            {Index(UserMemoryTable, "team_id", "team_id")}
            {Index(UserMemoryTable, "created_at", "created_at")}
            {Index(UserMemoryTable, "updated_at", "updated_at")}

            CREATE TABLE IF NOT EXISTS {k} (
                id TEXT NOT NULL PRIMARY KEY,
                name TEXT NOT NULL,
                description TEXT,
                metadata TEXT,
                type TEXT,
                size INTEGER,
                knowledge_base_id TEXT,
                content_hash TEXT,
                chunk_count INTEGER,
                source TEXT,
                status TEXT,
                status_message TEXT,
                access_count INTEGER NOT NULL DEFAULT 0,
                created_at INTEGER NOT NULL,
                updated_at INTEGER);
            {Index(KnowledgeTable, "type", "type")}
            {Index(KnowledgeTable, "knowledge_base_id", "knowledge_base_id")}
            {Index(KnowledgeTable, "content_hash", "content_hash")}
            {Index(KnowledgeTable, "status", "status")}
            {Index(KnowledgeTable, "created_at", "created_at")}
            {Index(KnowledgeTable, "updated_at", "updated_at")}
            """;
    }

    /// <summary>
    /// Brings a version-1 layout to version 2 (run in the schema transaction, only when <c>tokens</c> is missing): adds the
    /// columns, estimates the token count of every stored message once from its text, by the rule of <see cref="MessageTokens"/>,
    /// and records the version.
    /// </summary>
    public string MigrateToVersion2() => $"""
        ALTER TABLE {Quote(MessageTable)} ADD COLUMN tokens INTEGER;
        ALTER TABLE {Quote(SessionTable)} ADD COLUMN history_epoch INTEGER NOT NULL DEFAULT 0;
        UPDATE {Quote(MessageTable)} SET tokens = (length(message) + 3) / 4 WHERE tokens IS NULL;
        UPDATE {Quote(SchemaTable)} SET version = 2, updated_at = @now WHERE component = '{Component}' AND version < 2;
        """;

    /// <summary>
    /// Brings a version-2 layout to version 3 (run in the schema transaction, once, before <see cref="CreateAll"/>): drops two
    /// indexes whose upkeep was a page written by every turn: the (session_id, run_id, seq) index of messages (a run's messages
    /// carry its sequence as their turn, so they are read through the history index instead) and the heads' <c>updated_at</c>
    /// index (<see cref="CreateAll"/> creates it again for a storage that expires sessions).
    /// </summary>
    public string MigrateToVersion3() => $"""
        DROP INDEX IF EXISTS {Quote(IndexName(MessageTable, "run"))};
        DROP INDEX IF EXISTS {Quote(IndexName(SessionTable, "updated_at"))};
        UPDATE {Quote(SchemaTable)} SET version = 3, updated_at = @now WHERE component = '{Component}' AND version < 3;
        """;

    /// <summary>The names of every index <see cref="CreateAll"/> creates (for the schema report).</summary>
    public IReadOnlyList<string> IndexNames =>
        System.Text.RegularExpressions.Regex.Matches(CreateAll(), "INDEX IF NOT EXISTS \"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();

    /// <summary>Switches the file to write-ahead logging (persistent in the file; readers never block the writer).</summary>
    public const string EnableWal = "PRAGMA journal_mode=WAL;";

    /// <summary>The column names of a table (bound name); empty when it does not exist.</summary>
    public const string ColumnsOf = "SELECT name FROM pragma_table_info(@table);";

    /// <summary>
    /// Columns only this layout has, per table: a table that exists without them was created by something else (for example the
    /// Python SDK, whose session table keeps whole runs and messages in JSON columns), and is reported instead of misread.
    /// </summary>
    public IReadOnlyList<(string Table, string[] Columns)> LayoutMarkers =>
    [
        (SessionTable, ["summary_watermark", "run_count", "message_count", "version"]),
        (MessageTable, ["seq", "turn", "in_history", "message"]),
        (RunTable, ["seq", "status", "fields", "message_count"]),
        (UserMemoryTable, ["user_memory", "agent_id", "team_id"]),
        (KnowledgeTable, ["name", "knowledge_base_id", "access_count"]),
    ];

    /// <summary>Whether a table exists (bound name).</summary>
    public const string TableExists = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = @name;";
}
