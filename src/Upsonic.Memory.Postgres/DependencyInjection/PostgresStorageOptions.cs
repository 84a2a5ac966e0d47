namespace Upsonic.Storage.Postgres;

/// <summary>The settings of a <see cref="PostgresStorage"/> registered with <c>UsePostgres</c>, bindable from <c>Storage:Postgres</c>.</summary>
/// <remarks>Names and defaults match the <see cref="PostgresStorage"/> constructor parameters.</remarks>
public sealed class PostgresStorageOptions
{
    /// <summary>A <c>postgresql://</c> URL or an Npgsql connection string. Default none: the <c>NpgsqlDataSource</c> registered in the
    /// services (for example by <c>AddNpgsqlDataSource</c>) is used.</summary>
    /// <remarks><b>Security considerations:</b> it may hold a password; keep it in user secrets or the environment, not in appsettings.json.</remarks>
    public string? DbUrl { get; set; }

    /// <summary>The schema that holds the tables; default <c>public</c>.</summary>
    public string DbSchema { get; set; } = "public";

    /// <summary>Whether to create the schema when it does not exist; default true (never attempted for <c>public</c>).</summary>
    public bool CreateSchema { get; set; } = true;

    /// <summary>The session table; default <c>upsonic_sessions</c>.</summary>
    public string? SessionTable { get; set; }

    /// <summary>The user-memory table; default <c>upsonic_user_memories</c>.</summary>
    public string? UserMemoryTable { get; set; }

    /// <summary>The knowledge table; default <c>upsonic_knowledge</c>.</summary>
    public string? KnowledgeTable { get; set; }

    /// <summary>The storage id; default a new GUID string.</summary>
    public string? Id { get; set; }

    /// <summary>Whether statements are prepared on each pooled connection; default true. Set false behind PgBouncer in transaction
    /// pooling mode without prepared-statement support (before 1.21, or <c>max_prepared_statements=0</c>).</summary>
    /// <remarks>Applies to <see cref="DbUrl"/> (it wins over the URL's <c>Max Auto Prepare</c> when false). An <c>NpgsqlDataSource</c>
    /// taken from the services is used as its owner built it.</remarks>
    public bool PrepareStatements { get; set; } = true;
}
