using Microsoft.Data.Sqlite;

namespace Upsonic.Storage.Sqlite;

/// <summary>
/// One storage operation's connection and transaction: a read runs in a deferred transaction (one consistent snapshot), a
/// write in a <c>BEGIN IMMEDIATE</c> transaction (takes the file's write lock up front, so two writers never both read and
/// then fail to upgrade; the second waits on the busy timeout instead).
/// </summary>
internal sealed class SqliteScope : IAsyncDisposable
{
    private readonly SqliteConnectionPool _pool;
    private readonly SqlitePooledConnection _pooled;

    private SqliteScope(SqliteConnectionPool pool, SqlitePooledConnection pooled, SqliteTransaction transaction)
    {
        _pool = pool;
        _pooled = pooled;
        Transaction = transaction;
    }

    public SqliteConnection Connection => _pooled.Connection;

    public SqliteTransaction Transaction { get; }

    /// <summary>Rents a connection of <paramref name="pool"/> and begins the transaction.</summary>
    public static async Task<SqliteScope> BeginAsync(SqliteConnectionPool pool, bool write, CancellationToken cancellationToken)
    {
        var pooled = await pool.RentAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = pooled.Connection.BeginTransaction(deferred: !write);
            return new SqliteScope(pool, pooled, transaction);
        }
        catch
        {
            pool.Return(pooled);
            throw;
        }
    }

    /// <summary>
    /// Opens a pooled connection and sets SQLite's busy timeout on its native handle: a direct call, no statement to prepare
    /// and run on every open (a <c>PRAGMA busy_timeout</c> would cost one per operation). SQLite's own busy handler waits with
    /// short, growing sleeps, so a writer gets the lock soon after it is released (the driver's retry loop polls every 150 ms).
    /// The native wait is one short slice; <see cref="SqliteStorage"/> repeats the operation until its busy timeout, checking the
    /// cancellation token between tries. The connection does not checkpoint the log when it commits (see <see cref="SqliteCheckpointer"/>).
    /// </summary>
    public static async Task<SqliteConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            SQLitePCL.raw.sqlite3_busy_timeout(connection.Handle, SqliteStorage.BusyWaitSliceMilliseconds);
            SqliteCheckpointer.Disable(connection);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A command enlisted in this scope's transaction.</summary>
    public SqliteCommand Command(string sql)
    {
        var command = Connection.CreateCommand();
        command.Transaction = Transaction;
        command.CommandText = sql;
        return command;
    }

    /// <summary>The connection's reused command for <paramref name="sql"/> (see <see cref="SqlitePooledConnection.Prepared"/>): bind it
    /// and execute it, but do not dispose it.</summary>
    public SqliteCommand Prepared(string sql) => _pooled.Prepared(sql, Transaction);

    public Task CommitAsync(CancellationToken cancellationToken) => Transaction.CommitAsync(cancellationToken);

    /// <summary>Ends the scope; an uncommitted transaction rolls back, and the connection returns to the pool.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Transaction.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _pool.Return(_pooled);
        }
    }
}
