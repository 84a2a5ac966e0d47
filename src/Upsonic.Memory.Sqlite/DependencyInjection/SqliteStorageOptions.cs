namespace Upsonic.Storage.Sqlite;

/// <summary>The settings of a <see cref="SqliteStorage"/> registered with <c>UseSqlite</c>, bindable from <c>Storage:Sqlite</c>.</summary>
/// <remarks>Names and defaults match the <see cref="SqliteStorage"/> constructor parameters.</remarks>
public sealed class SqliteStorageOptions
{
    /// <summary>The database file; default <c>upsonic.db</c> in the current directory.</summary>
    public string? DbFile { get; set; }

    /// <summary>A full Microsoft.Data.Sqlite connection string; wins over <see cref="DbFile"/>. Default none.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The session head table; default <c>upsonic_sessions</c>.</summary>
    public string? SessionTable { get; set; }

    /// <summary>The user-memory table; default <c>upsonic_user_memories</c>.</summary>
    public string? UserMemoryTable { get; set; }

    /// <summary>The knowledge table; default <c>upsonic_knowledge</c>.</summary>
    public string? KnowledgeTable { get; set; }

    /// <summary>The storage id; default a new GUID string.</summary>
    public string? Id { get; set; }

    /// <summary>Seconds after its last write when a session (head, messages, runs) or a user memory expires; default null (never).
    /// Expired records are never returned and are removed physically (docs/storage.md, "Retention"). The clock is the container's
    /// <see cref="System.TimeProvider"/> when one is registered, else the system clock.</summary>
    public int? Expire { get; set; }
}
