using System.Net.Sockets;
using Npgsql;

namespace Upsonic.Storage.Postgres;

/// <summary>
/// An <see cref="IStorage"/> over PostgreSQL: session heads, append-only message and run rows, user profiles and the knowledge
/// registry in a configurable schema, with JSONB for free-form data and pooled connections through an <see cref="NpgsqlDataSource"/>.
/// </summary>
/// <remarks>
/// <para>Saving a turn (<see cref="AppendRunAsync"/>) is one transaction that locks only the session's head row and writes only the
/// new rows, so its cost does not grow with the history and concurrent writers from many processes never lose a run or a message.
/// Loading a turn's context (<see cref="LoadSessionWindowAsync"/>) is one round trip. Profile, metadata and summary updates are
/// single atomic statements. The PostgreSQL section of docs/storage.md lists the tables, indexes and query bounds.</para>
/// <para>Tables and indexes are created on first use (once per instance) and by <see cref="EnsureCreatedAsync"/>, idempotently.
/// Engine failures (unreachable server, timeouts, refused statements) throw <see cref="StorageException"/>; after the server comes
/// back the same instance works again.</para>
/// <para><b>Security considerations:</b> values are always bound parameters; schema and table names are validated at construction
/// and always quoted; error messages never contain the connection string or password. Stored sessions and profiles are personal
/// data: restrict access to the schema accordingly.</para>
/// </remarks>
public sealed partial class PostgresStorage : IStorage, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly bool _createSchema;
    private readonly PostgresSchema _schema;
    private readonly PostgresStatements _sql;
    private readonly SemaphoreSlim _createGate = new(1, 1);
    private volatile bool _created;

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
    /// <exception cref="ArgumentException">The URL is missing or invalid, or a name is not 1-63 letters, digits or underscores.</exception>
    public PostgresStorage(
        string dbUrl, string dbSchema = "public", bool createSchema = true,
        string? sessionTable = null, string? userMemoryTable = null, string? knowledgeTable = null, string? id = null)
    {
        if (string.IsNullOrWhiteSpace(dbUrl))
        {
            throw new ArgumentException("A PostgreSQL URL or connection string is required.", nameof(dbUrl));
        }

        (_schema, _sql) = Layout(dbSchema, sessionTable, userMemoryTable, knowledgeTable);
        _dataSource = NpgsqlDataSource.Create(PostgresConnectionString.Build(dbUrl, nameof(dbUrl)));
        _ownsDataSource = true;
        _createSchema = createSchema;
        Id = string.IsNullOrEmpty(id) ? Guid.NewGuid().ToString() : id;
    }

    /// <summary>Creates a storage over an existing data source (for example one registered with <c>AddNpgsqlDataSource</c>).</summary>
    /// <param name="dataSource">The data source. It is not disposed by this storage; its timeouts are the caller's choice.</param>
    /// <param name="dbSchema">The schema that holds the tables (default <c>public</c>).</param>
    /// <param name="createSchema">Whether to create the schema when it does not exist (never attempted for <c>public</c>).</param>
    /// <param name="sessionTable">The session table name (default <c>upsonic_sessions</c>).</param>
    /// <param name="userMemoryTable">The user-memory table name (default <c>upsonic_user_memories</c>).</param>
    /// <param name="knowledgeTable">The knowledge table name (default <c>upsonic_knowledge</c>).</param>
    /// <param name="id">The storage id; a new GUID string when null or empty.</param>
    /// <exception cref="ArgumentException">The data source is missing, or a name is invalid.</exception>
    public PostgresStorage(
        NpgsqlDataSource dataSource, string dbSchema = "public", bool createSchema = true,
        string? sessionTable = null, string? userMemoryTable = null, string? knowledgeTable = null, string? id = null)
    {
        if (dataSource is null)
        {
            throw new ArgumentException("An NpgsqlDataSource is required.", nameof(dataSource));
        }

        (_schema, _sql) = Layout(dbSchema, sessionTable, userMemoryTable, knowledgeTable);
        _dataSource = dataSource;
        _createSchema = createSchema;
        Id = string.IsNullOrEmpty(id) ? Guid.NewGuid().ToString() : id;
    }

    /// <inheritdoc />
    public string Id { get; }

    /// <summary>The schema that holds the tables.</summary>
    public string DbSchema => _schema.Schema;

    /// <inheritdoc />
    public string SessionTable => _schema.SessionTable;

    /// <summary>The table of message rows (derived from <see cref="SessionTable"/>).</summary>
    public string MessageTable => _schema.MessageTable;

    /// <summary>The table of run rows (derived from <see cref="SessionTable"/>).</summary>
    public string RunTable => _schema.RunTable;

    /// <inheritdoc />
    public string UserMemoryTable => _schema.UserMemoryTable;

    /// <inheritdoc />
    public string KnowledgeTable => _schema.KnowledgeTable;

    /// <summary>Whether the storage creates its schema when it does not exist.</summary>
    public bool CreateSchema => _createSchema;

    /// <inheritdoc />
    /// <remarks>Looks the table up in <see cref="DbSchema"/> without creating anything.</remarks>
    public Task<bool> TableExistsAsync(string tableName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tableName);
        return RunAsync("TableExists", tableName, ensureCreated: false, async (connection, ct) =>
        {
            await using var command = Command(connection, _sql.TableExists, PostgresParameters.RawText(DbSchema), PostgresParameters.RawText(tableName));
            return (bool)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        _created = false; // run the idempotent DDL again, even if this instance already did
        return GuardAsync("EnsureCreated", null, async ct =>
        {
            await CreateTablesAsync(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task ClearAllAsync(CancellationToken cancellationToken = default) =>
        RunAsync("ClearAll", null, async (connection, ct) =>
        {
            await using var command = Command(connection, _sql.ClearAll);
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Releases the connection pool when this storage created it. Never erases data.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Sync twin of <see cref="DisposeAsync"/>: releases the connection pool when this storage created it.</summary>
    public void Dispose()
    {
        if (_ownsDataSource)
        {
            _dataSource.Dispose();
        }
    }

    private static (PostgresSchema, PostgresStatements) Layout(string dbSchema, string? sessionTable, string? userMemoryTable, string? knowledgeTable)
    {
        var schema = new PostgresSchema(
            StorageNames.Validate(dbSchema, "public", nameof(dbSchema)),
            StorageNames.Validate(sessionTable, StorageNames.DefaultSessionTable, nameof(sessionTable)),
            StorageNames.Validate(userMemoryTable, StorageNames.DefaultUserMemoryTable, nameof(userMemoryTable)),
            StorageNames.Validate(knowledgeTable, StorageNames.DefaultKnowledgeTable, nameof(knowledgeTable)));
        return (schema, new PostgresStatements(schema));
    }

    private async Task CreateTablesAsync(CancellationToken ct)
    {
        if (_created)
        {
            return;
        }

        await _createGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_created)
            {
                return;
            }

            await using var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (var create = Command(connection, _schema.CreateScript(_createSchema)))
            {
                create.Transaction = transaction;
                await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await using (var read = Command(connection, _schema.ReadVersion))
            {
                read.Transaction = transaction;
                var version = (int)(await read.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
                if (version > PostgresSchema.LayoutVersion)
                {
                    throw new StorageException(
                        $"The tables in schema '{DbSchema}' have layout version {version}; this version of Upsonic.Memory.Postgres supports up to {PostgresSchema.LayoutVersion}. Upgrade the package.",
                        null, "EnsureCreated", SessionTable);
                }
            }

            await transaction.CommitAsync(ct).ConfigureAwait(false);
            _created = true;
        }
        finally
        {
            _createGate.Release();
        }
    }

    private Task<T> RunAsync<T>(string operation, string? recordId, Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken ct) =>
        RunAsync(operation, recordId, ensureCreated: true, work, ct);

    /// <summary>Runs one operation on a pooled connection, creating the tables first when needed.</summary>
    private Task<T> RunAsync<T>(string operation, string? recordId, bool ensureCreated, Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken ct) =>
        GuardAsync(operation, recordId, async token =>
        {
            if (ensureCreated)
            {
                await CreateTablesAsync(token).ConfigureAwait(false);
            }

            await using var connection = await _dataSource.OpenConnectionAsync(token).ConfigureAwait(false);
            return await work(connection, token).ConfigureAwait(false);
        }, ct);

    /// <summary>Wraps engine failures of <paramref name="work"/> in <see cref="StorageException"/>.</summary>
    private async Task<T> GuardAsync<T>(string operation, string? recordId, Func<CancellationToken, Task<T>> work, CancellationToken ct)
    {
        try
        {
            return await work(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsEngineFailure(ex, ct))
        {
            // Class 57 = operator intervention (admin shutdown, crash shutdown, cannot connect now).
            if (ex is not PostgresException postgres || postgres.SqlState.StartsWith("57", StringComparison.Ordinal))
            {
                // The connection (or the server) went away: drop pooled connections so the next call, after the server is
                // back, opens fresh ones instead of failing again on a dead socket.
                _dataSource.Clear();
            }

            var about = recordId is null ? "" : $" for '{recordId}'";
            throw new StorageException($"PostgreSQL operation {operation}{about} failed: {ex.Message}", ex, operation, recordId);
        }
    }

    private static bool IsEngineFailure(Exception ex, CancellationToken ct) =>
        ex is NpgsqlException or TimeoutException or IOException or SocketException
        || (ex is OperationCanceledException && !ct.IsCancellationRequested && ex.InnerException is TimeoutException);

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
