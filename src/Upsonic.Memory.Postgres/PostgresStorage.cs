using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Upsonic.Storage.Postgres;

/// <summary>
/// An <see cref="IStorage"/> over PostgreSQL: session heads, append-only message and run rows, user profiles and the knowledge
/// registry in a configurable schema, with JSONB for free-form data and pooled connections through an <see cref="NpgsqlDataSource"/>.
/// </summary>
/// <remarks>
/// <para>Saving a turn (<see cref="StorageBase.AppendRunAsync"/>) is one transaction that locks only the session's head row and writes only the
/// new rows, so its cost does not grow with the history and concurrent writers from many processes never lose a run or a message.
/// Loading a turn's context (<see cref="StorageBase.LoadSessionWindowAsync(SessionWindowRequest, CancellationToken)"/>) is one round trip. Profile, metadata and summary updates are
/// single atomic statements. The PostgreSQL section of docs/storage.md lists the tables, indexes and query bounds.</para>
/// <para>Tables and indexes are created on first use (once per instance) and by <see cref="StorageBase.EnsureCreatedAsync"/>, idempotently.
/// Engine failures (unreachable server, timeouts, refused statements) throw <see cref="StorageException"/>; after the server comes
/// back the same instance works again.</para>
/// <para><b>Security considerations:</b> values are always bound parameters; schema and table names are validated at construction
/// and always quoted; error messages never contain the connection string or password. Stored sessions and profiles are personal
/// data: restrict access to the schema accordingly.</para>
/// </remarks>
public sealed partial class PostgresStorage : StorageBase
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly bool _createSchema;
    private readonly PostgresSchema _schema;
    private readonly PostgresStatements _sql;
    private readonly DnsEndPoint? _endPoint;

    /// <summary>Creates a storage that connects with a URL or connection string and owns its connection pool.</summary>
    /// <param name="dbUrl">
    /// A URL (<c>postgresql://user:password@host:5432/database?sslmode=require</c>, also <c>postgres://</c>; several hosts as
    /// <c>host1:5432,host2:5432</c>) or an Npgsql connection string (<c>Host=...;Username=...;Password=...;Database=...</c>).
    /// A connect timeout of 5 s is used unless one is given.
    /// </param>
    /// <param name="dbSchema">The schema that holds the tables (default <c>public</c>).</param>
    /// <param name="createSchema">Whether to create the schema when it does not exist (never attempted for <c>public</c>).</param>
    /// <param name="sessionTable">The session table name (default <c>upsonic_sessions</c>); messages and runs go to <c>&lt;name&gt;_messages</c> and <c>&lt;name&gt;_runs</c>.</param>
    /// <param name="userMemoryTable">The user-memory table name (default <c>upsonic_user_memories</c>).</param>
    /// <param name="knowledgeTable">The knowledge table name (default <c>upsonic_knowledge</c>).</param>
    /// <param name="id">The storage id; a new GUID string when null or empty.</param>
    /// <param name="prepareStatements">
    /// Whether statements are prepared on each pooled connection (default true: Npgsql's <c>Max Auto Prepare</c>, unless the connection
    /// string sets it), so a turn's statements are parsed and planned once per connection rather than on every turn. Set false behind
    /// PgBouncer in transaction pooling mode before 1.21 (or without <c>max_prepared_statements</c>), where a prepared statement may
    /// land on another server connection; <c>Max Auto Prepare=0</c> is then used whatever the connection string says.
    /// </param>
    /// <param name="expire">Seconds after its last write when a session (head, messages, runs) or a user memory expires; null (the
    /// default) = never. Expired records are never returned and are deleted by a bounded sweep on writes (docs/storage.md, "Retention").</param>
    /// <param name="timeProvider">The clock for stored times and expiry; <see cref="TimeProvider.System"/> when null.</param>
    /// <remarks>The pool created here also uses <c>No Reset On Close=true</c>: this storage leaves no session state on a connection,
    /// so a reused connection is not sent <c>DISCARD ALL</c> (which would also drop the prepared statements).</remarks>
    /// <exception cref="ArgumentException">The URL is missing or invalid, or a name is not 1-63 letters, digits or underscores.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="expire"/> is not positive.</exception>
    public PostgresStorage(
        string dbUrl, string dbSchema = "public", bool createSchema = true,
        string? sessionTable = null, string? userMemoryTable = null, string? knowledgeTable = null, string? id = null,
        bool prepareStatements = true, int? expire = null, TimeProvider? timeProvider = null)
        : base(sessionTable, userMemoryTable, knowledgeTable, id, expire, timeProvider)
    {
        if (string.IsNullOrWhiteSpace(dbUrl))
        {
            throw new ArgumentException("A PostgreSQL URL or connection string is required.", nameof(dbUrl));
        }

        (_schema, _sql) = Layout(dbSchema, SessionTable, UserMemoryTable, KnowledgeTable, expiring: Expire is not null);
        _dataSource = NpgsqlDataSource.Create(PostgresConnectionString.Build(dbUrl, nameof(dbUrl), prepareStatements));
        _endPoint = PostgresConnectionString.EndPoint(_dataSource.ConnectionString);
        _ownsDataSource = true;
        _createSchema = createSchema;
    }

    /// <summary>Creates a storage over an existing data source (for example one registered with <c>AddNpgsqlDataSource</c>).</summary>
    /// <param name="dataSource">The data source. It is not disposed by this storage and is used as built: its timeouts, statement
    /// preparation (<c>Max Auto Prepare</c>, off by default in Npgsql) and reset on close are the caller's choice. For the per-turn cost
    /// of the other constructor, build it with <c>Max Auto Prepare=64;No Reset On Close=true</c>.</param>
    /// <param name="dbSchema">The schema that holds the tables (default <c>public</c>).</param>
    /// <param name="createSchema">Whether to create the schema when it does not exist (never attempted for <c>public</c>).</param>
    /// <param name="sessionTable">The session table name (default <c>upsonic_sessions</c>).</param>
    /// <param name="userMemoryTable">The user-memory table name (default <c>upsonic_user_memories</c>).</param>
    /// <param name="knowledgeTable">The knowledge table name (default <c>upsonic_knowledge</c>).</param>
    /// <param name="id">The storage id; a new GUID string when null or empty.</param>
    /// <param name="expire">Seconds after its last write when a session (head, messages, runs) or a user memory expires; null (the
    /// default) = never. Expired records are never returned and are deleted by a bounded sweep on writes (docs/storage.md, "Retention").</param>
    /// <param name="timeProvider">The clock for stored times and expiry; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentException">The data source is missing, or a name is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="expire"/> is not positive.</exception>
    public PostgresStorage(
        NpgsqlDataSource dataSource, string dbSchema = "public", bool createSchema = true,
        string? sessionTable = null, string? userMemoryTable = null, string? knowledgeTable = null, string? id = null,
        int? expire = null, TimeProvider? timeProvider = null)
        : base(sessionTable, userMemoryTable, knowledgeTable, id, expire, timeProvider)
    {
        if (dataSource is null)
        {
            throw new ArgumentException("An NpgsqlDataSource is required.", nameof(dataSource));
        }

        (_schema, _sql) = Layout(dbSchema, SessionTable, UserMemoryTable, KnowledgeTable, expiring: Expire is not null);
        _dataSource = dataSource;
        _endPoint = PostgresConnectionString.EndPoint(dataSource.ConnectionString);
        _createSchema = createSchema;
    }

    /// <summary>The schema that holds the tables.</summary>
    public string DbSchema => _schema.Schema;

    /// <summary>The table of message rows (derived from <see cref="StorageBase.SessionTable"/>).</summary>
    public string MessageTable => _schema.MessageTable;

    /// <summary>The table of run rows (derived from <see cref="StorageBase.SessionTable"/>).</summary>
    public string RunTable => _schema.RunTable;

    /// <summary>Whether the storage creates its schema when it does not exist.</summary>
    public bool CreateSchema => _createSchema;

    /// <inheritdoc />
    /// <remarks>Looks the table up in <see cref="DbSchema"/> without creating anything.</remarks>
    protected override Task<bool> TableExistsCoreAsync(string tableName, CancellationToken cancellationToken) =>
        WithConnectionAsync(async (connection, ct) =>
        {
            await using var command = Command(connection, _sql.TableExists, PostgresParameters.RawText(DbSchema), PostgresParameters.RawText(tableName));
            return (bool)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task ClearAllCoreAsync(CancellationToken cancellationToken) =>
        WithConnectionAsync(async (connection, ct) =>
        {
            await using var command = Command(connection, _sql.ClearAll);
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Releases the connection pool when this storage created it. Never erases data.</summary>
    protected override async ValueTask DisposeAsyncCore()
    {
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Sync twin of <see cref="DisposeAsyncCore"/>: releases the connection pool when this storage created it.</summary>
    protected override void DisposeCore()
    {
        if (_ownsDataSource)
        {
            _dataSource.Dispose();
        }
    }

    private static (PostgresSchema, PostgresStatements) Layout(string dbSchema, string sessionTable, string userMemoryTable, string knowledgeTable, bool expiring)
    {
        var schema = new PostgresSchema(StorageNames.Validate(dbSchema, "public", nameof(dbSchema)), sessionTable, userMemoryTable, knowledgeTable, expiring);
        return (schema, new PostgresStatements(schema));
    }

    /// <summary>Creates the schema (when asked), tables and indexes in one transaction, and refuses a newer layout version.</summary>
    protected override async Task CreateSchemaCoreAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var create = Command(connection, _schema.CreateScript(_createSchema)))
        {
            create.Transaction = transaction;
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var read = Command(connection, _schema.ReadVersion))
        {
            read.Transaction = transaction;
            var version = (int)(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            if (version > PostgresSchema.LayoutVersion)
            {
                throw new StorageException(
                    $"The tables in schema '{DbSchema}' have layout version {version}; this version of Upsonic.Memory.Postgres supports up to {PostgresSchema.LayoutVersion}. Upgrade the package.",
                    null, null, SessionTable);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs one operation's work on a pooled connection.</summary>
    private async Task<T> WithConnectionAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken ct)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await work(connection, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override string DbSystemName => "postgresql";

    /// <inheritdoc />
    protected override DnsEndPoint? ServerEndPoint => _endPoint;

    /// <inheritdoc />
    protected override bool IsEngineFailure(Exception exception, CancellationToken cancellationToken) =>
        exception is NpgsqlException or TimeoutException or IOException or SocketException
        || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested && exception.InnerException is TimeoutException);

    /// <inheritdoc />
    protected override StorageException TranslateFailure(Exception exception, string operation, string? recordId)
    {
        ArgumentNullException.ThrowIfNull(exception);

        // Class 57 = operator intervention (admin shutdown, crash shutdown, cannot connect now).
        if (exception is not PostgresException postgres || postgres.SqlState.StartsWith("57", StringComparison.Ordinal))
        {
            // The connection (or the server) went away: drop pooled connections so the next call, after the server is
            // back, opens fresh ones instead of failing again on a dead socket.
            _dataSource.Clear();
        }

        var about = recordId is null ? "" : $" for '{recordId}'";
        return new StorageException($"PostgreSQL operation {operation}{about} failed: {exception.Message}", exception, operation, recordId);
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlBatchCommand Statement(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }
}
