using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Upsonic.Storage.Sqlite;

/// <summary>
/// An <see cref="IStorage"/> in one SQLite database file: the embedded default backend, mirroring the Python SDK's
/// <c>SqliteStorage</c> with an append-only layout that keeps every turn's cost independent of the session's length.
/// </summary>
/// <remarks>
/// <para>Layout: a small head row per session, one row per message keyed (session_id, seq) and one row per run keyed
/// (session_id, run_id), plus user-memory, knowledge and schema-version tables (docs/storage-sqlite.md). Tables are created on
/// first use and by <see cref="StorageBase.EnsureCreatedAsync"/>.</para>
/// <para>Concurrency: the file runs in WAL mode (readers never block the writer); every write is one <c>BEGIN IMMEDIATE</c>
/// transaction, and a writer that finds the file locked waits up to the busy timeout (5 s by default). Any number of instances and
/// processes can write the same file without losing updates. The log is checkpointed in the background, never inside a commit
/// (see docs/storage.md, "SQLite").</para>
/// <para>Each operation opens a pooled connection and returns it when done, so an instance is safe to share between threads.
/// Disposing clears this file's connection pool and never erases data.</para>
/// <para><b>Security considerations:</b> the file holds conversations and user profiles verbatim; protect it like any
/// personal data. Values are always bound parameters and table names are validated at construction.</para>
/// </remarks>
public sealed partial class SqliteStorage : StorageBase
{
    /// <summary>The default database file, relative to the current directory.</summary>
    public const string DefaultDbFile = "upsonic.db";

    /// <summary>The default of <see cref="BusyTimeout"/>: 5 seconds (the Python <c>sqlite3</c> module's default).</summary>
    public static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long SQLite itself waits for a lock in one go, in milliseconds. A longer wait is made of such slices, with the
    /// cancellation token checked between them, so a cancelled call ends within about a second even when the file stays locked.
    /// </summary>
    internal const int BusyWaitSliceMilliseconds = 100;

    /// <summary>The driver's own busy retry loop, in seconds (Microsoft.Data.Sqlite's <c>Default Timeout</c>; 0 would mean no limit).</summary>
    private const int DriverBusySeconds = 1;

    /// <summary>One writer at a time per database file in this process: writers queue here, without holding a thread, instead
    /// of in SQLite's busy handler, which sleeps in growing steps (up to 100 ms) and makes the slowest turns under contention
    /// tens of milliseconds. Writers in other processes still meet at the file lock, with the busy timeout.</summary>
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Writers = new(StringComparer.Ordinal);

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writer;
    private readonly SqliteConnectionPool _pool;
    private readonly SqliteCheckpointer _checkpointer;
    private readonly SqliteSchema _schema;
    private readonly SqliteCommands _sql;

    /// <summary>Creates a storage over a SQLite database file. Nothing is opened until the first operation.</summary>
    /// <param name="dbFile">The database file (default <c>upsonic.db</c> in the current directory); its parent directories are created.</param>
    /// <param name="sessionTable">The session head table (default <c>upsonic_sessions</c>); messages, runs and the schema version
    /// live in <c>&lt;sessionTable&gt;_messages</c>, <c>_runs</c> and <c>_schema</c>, so the name may have at most 54 characters.</param>
    /// <param name="userMemoryTable">The user-memory table (default <c>upsonic_user_memories</c>).</param>
    /// <param name="knowledgeTable">The knowledge table (default <c>upsonic_knowledge</c>).</param>
    /// <param name="id">The storage id; a new GUID string when null or empty.</param>
    /// <param name="connectionString">A full Microsoft.Data.Sqlite connection string; when given it wins over <paramref name="dbFile"/>.
    /// Its <c>Default Timeout</c> is replaced: how long a call waits for a locked file is <paramref name="busyTimeout"/>.</param>
    /// <param name="busyTimeout">How long an operation waits for a file another connection has locked before it fails with a
    /// <see cref="StorageException"/>; null means <see cref="DefaultBusyTimeout"/> (5 s). The wait ends early when the call's
    /// cancellation token is cancelled.</param>
    /// <param name="expire">Seconds after its last write when a session (head, messages, runs) or a user memory expires; null (the
    /// default) = never. Expired records are never returned and are deleted by a bounded sweep on writes (docs/storage.md, "Retention").</param>
    /// <param name="timeProvider">The clock for stored times and expiry; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="busyTimeout"/> is not positive or longer than a day, or
    /// <paramref name="expire"/> is not positive.</exception>
    /// <exception cref="ArgumentException">A table name is invalid, <paramref name="dbFile"/> is white space, or the connection string is
    /// malformed or sets <c>Password=</c> (the bundled SQLite has no encryption).</exception>
    /// <exception cref="StorageException">The parent directory of <paramref name="dbFile"/> cannot be created.</exception>
    public SqliteStorage(
        string? dbFile = null,
        string? sessionTable = null,
        string? userMemoryTable = null,
        string? knowledgeTable = null,
        string? id = null,
        string? connectionString = null,
        TimeSpan? busyTimeout = null,
        int? expire = null,
        TimeProvider? timeProvider = null)
        : base(sessionTable, userMemoryTable, knowledgeTable, id, expire, timeProvider)
    {
        BusyTimeout = busyTimeout ?? DefaultBusyTimeout;
        if (BusyTimeout <= TimeSpan.Zero || BusyTimeout > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(busyTimeout), busyTimeout, "The busy timeout must be positive and at most a day.");
        }

        _schema = new SqliteSchema(SessionTable, UserMemoryTable, KnowledgeTable, expiring: Expire is not null);
        _sql = new SqliteCommands(_schema);

        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            _connectionString = ParseConnectionString(connectionString);
            DbFile = null;
        }
        else
        {
            if (dbFile is not null && dbFile.Length > 0 && string.IsNullOrWhiteSpace(dbFile))
            {
                throw new ArgumentException("The database file name must not be white space.", nameof(dbFile));
            }

            DbFile = Path.GetFullPath(string.IsNullOrEmpty(dbFile) ? DefaultDbFile : dbFile);
            var directory = Path.GetDirectoryName(DbFile);
            if (!string.IsNullOrEmpty(directory))
            {
                CreateDirectory(directory);
            }

            _connectionString = new SqliteConnectionStringBuilder
            {
                DataSource = DbFile,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Pooling = true,
                DefaultTimeout = DriverBusySeconds,
            }.ToString();
        }

        _pool = new SqliteConnectionPool(_connectionString);
        _checkpointer = new SqliteCheckpointer(_pool);
        _writer = Writers.GetOrAdd(new SqliteConnectionStringBuilder(_connectionString).DataSource, _ => new SemaphoreSlim(1, 1));
    }

    /// <summary>How long an operation waits for a locked file before failing (see the constructor's <c>busyTimeout</c>).</summary>
    public TimeSpan BusyTimeout { get; }

    /// <summary>The absolute path of the database file, or <see langword="null"/> when a connection string was given.</summary>
    public string? DbFile { get; }

    /// <summary>The message table: <c>&lt;SessionTable&gt;_messages</c>.</summary>
    public string MessageTable => _schema.MessageTable;

    /// <summary>The run table: <c>&lt;SessionTable&gt;_runs</c>.</summary>
    public string RunTable => _schema.RunTable;

    /// <summary>The schema-version table: <c>&lt;SessionTable&gt;_schema</c>.</summary>
    public string SchemaTable => _schema.SchemaTable;

    /// <summary>The connection string in use, for tests that inspect the file directly.</summary>
    internal string ConnectionString => _connectionString;

    /// <summary>This storage's open connections (tests observe the statements SQLite runs through it).</summary>
    internal SqliteConnectionPool Pool => _pool;

    /// <summary>This storage's background checkpoints (tests observe that they run).</summary>
    internal SqliteCheckpointer Checkpointer => _checkpointer;

    /// <inheritdoc />
    protected override Task<bool> TableExistsCoreAsync(string tableName, CancellationToken cancellationToken) =>
        InScopeAsync(write: false, async scope =>
        {
            await using var command = scope.Command(SqliteSchema.TableExists).Bind("@name", tableName);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task ClearAllCoreAsync(CancellationToken cancellationToken) =>
        InScopeAsync(write: true, async scope =>
        {
            await using var command = scope.Command(_sql.ClearAll);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc />
    protected override string DbSystemName => "sqlite";

    /// <summary>Closes this storage's connections and clears this file's driver pool. The data stays; a later call opens new connections.</summary>
    protected override void DisposeCore()
    {
        _checkpointer.WaitIdle();
        _pool.Clear();
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    /// <summary>Creates the tables: WAL mode first (outside any transaction), then the DDL in one write transaction.</summary>
    protected override async Task CreateSchemaCoreAsync(CancellationToken cancellationToken)
    {
        await using (var connection = await SqliteScope.OpenAsync(_connectionString, cancellationToken).ConfigureAwait(false))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = SqliteSchema.EnableWal;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await InScopeAsync(write: true, async scope =>
        {
            await CheckLayoutAsync(scope, cancellationToken).ConfigureAwait(false);
            var now = StorageClock.ToUnixMilliseconds(StorageClock.Now());
            var toVersion2 = (await ColumnsAsync(scope, _schema.MessageTable, cancellationToken).ConfigureAwait(false)) is { Count: > 0 } columns
                && !columns.Contains("tokens");
            var toVersion3 = await StoredVersionAsync(scope, cancellationToken).ConfigureAwait(false) is < 3;
            var ddl = (toVersion2 ? _schema.MigrateToVersion2() : "") + (toVersion3 ? _schema.MigrateToVersion3() : "") + _schema.CreateAll();
            await using var command = scope.Command(ddl).Bind("@now", now);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The schema version the file records; null when it has no schema table yet.</summary>
    private async Task<long?> StoredVersionAsync(SqliteScope scope, CancellationToken cancellationToken)
    {
        if ((await ColumnsAsync(scope, _schema.SchemaTable, cancellationToken).ConfigureAwait(false)).Count == 0)
        {
            return null;
        }

        await using var command = scope.Command(Paging.SelectVersion);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long version ? version : null;
    }

    /// <summary>The column names of a table; empty when it does not exist.</summary>
    private static async Task<HashSet<string>> ColumnsAsync(SqliteScope scope, string table, CancellationToken cancellationToken)
    {
        var columns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await using var command = scope.Command(SqliteSchema.ColumnsOf).Bind("@table", table);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            columns.Add(reader.GetString(0));
        }

        return columns;
    }

    /// <summary>Before creating anything: fails clearly when a table of the same name exists with another layout, rather than misreading it later.</summary>
    private async Task CheckLayoutAsync(SqliteScope scope, CancellationToken cancellationToken)
    {
        foreach (var (table, markers) in _schema.LayoutMarkers)
        {
            var columns = await ColumnsAsync(scope, table, cancellationToken).ConfigureAwait(false);
            var missing = markers.FirstOrDefault(c => !columns.Contains(c));
            if (columns.Count > 0 && missing is not null)
            {
                throw new StorageException(
                    $"Table '{table}' exists but has another layout (no column '{missing}'), for example one written by the Python SDK. " +
                    "Choose other table names or another database file.",
                    null, null, table);
            }
        }
    }

    /// <summary>
    /// Runs one operation's work in its own scope (see <see cref="SqliteScope"/>), committing on success. An operation that SQLite
    /// reports busy or locked is retried whole (its transaction rolled back) until <see cref="BusyTimeout"/> has passed, and stops
    /// at once when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    private async Task<T> InScopeAsync<T>(bool write, Func<SqliteScope, Task<T>> body, CancellationToken cancellationToken)
    {
        var deadline = Environment.TickCount64 + (long)BusyTimeout.TotalMilliseconds;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                if (write)
                {
                    await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
                }

                try
                {
                    await using var scope = await SqliteScope.BeginAsync(_pool, write, cancellationToken).ConfigureAwait(false);
                    var result = await body(scope).ConfigureAwait(false);
                    await scope.CommitAsync(cancellationToken).ConfigureAwait(false);
                    if (write)
                    {
                        _checkpointer.AfterWrite();
                    }

                    return result;
                }
                finally
                {
                    if (write)
                    {
                        _writer.Release();
                    }
                }
            }
            catch (SqliteException ex) when (IsBusy(ex) && Environment.TickCount64 < deadline)
            {
                // The transaction rolled back with the scope; nothing was written, so the whole operation can run again. Each
                // try waits about a second at most, so the token is seen promptly and the total stays near the busy timeout.
            }
        }
    }

    /// <inheritdoc />
    protected override bool IsEngineFailure(Exception exception, CancellationToken cancellationToken) => exception is SqliteException;

    /// <inheritdoc />
    protected override StorageException TranslateFailure(Exception exception, string operation, string? recordId)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new(recordId is null
                ? $"SQLite storage operation '{operation}' failed: {exception.Message}"
                : $"SQLite storage operation '{operation}' failed for '{recordId}': {exception.Message}",
            exception, operation, recordId);
    }

    private static bool IsBusy(SqliteException ex) => ex.SqliteErrorCode is 5 or 6; // SQLITE_BUSY, SQLITE_LOCKED

    private static string ParseConnectionString(string connectionString)
    {
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            // The driver's message may echo the string, which can hold a password: do not pass it on.
            throw new ArgumentException("The SQLite connection string is malformed.", nameof(connectionString));
        }

        if (!string.IsNullOrEmpty(builder.Password))
        {
            // The bundled SQLite has no encryption: with Password= every call would fail, so say it once, here.
            throw new ArgumentException(
                "The SQLite connection string sets Password=, but the bundled SQLite library does not support encryption. Remove it "
                + "(protect the file with file-system permissions or disk encryption instead).", nameof(connectionString));
        }

        builder.DefaultTimeout = DriverBusySeconds;
        return builder.ToString();
    }

    private static void CreateDirectory(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new StorageException($"The directory '{directory}' of the database file cannot be created: {ex.Message}", ex, "Open");
        }
    }
}
