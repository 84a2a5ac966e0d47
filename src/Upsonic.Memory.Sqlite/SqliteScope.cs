using Microsoft.Data.Sqlite;

namespace Upsonic.Storage.Sqlite;

/// <summary>
/// One storage operation's connection and transaction: a read runs in a deferred transaction (one consistent snapshot), a
/// write in a <c>BEGIN IMMEDIATE</c> transaction (takes the file's write lock up front, so two writers never both read and
/// then fail to upgrade; the second waits on the busy timeout instead).
/// </summary>
internal sealed class SqliteScope : IAsyncDisposable
{
    private SqliteScope(SqliteConnection connection, SqliteTransaction transaction)
    {
        Connection = connection;
        Transaction = transaction;
    }

    public SqliteConnection Connection { get; }

    public SqliteTransaction Transaction { get; }

    /// <summary>Opens a pooled connection with the per-connection settings and begins the transaction.</summary>
    public static async Task<SqliteScope> BeginAsync(string connectionString, bool write, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(connectionString, cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = connection.BeginTransaction(deferred: !write);
            return new SqliteScope(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Opens a pooled connection and sets SQLite's busy timeout on its native handle: a direct call, no statement to prepare
    /// and run on every open (a <c>PRAGMA busy_timeout</c> would cost one per operation). SQLite's own busy handler waits with
    /// short, growing sleeps, so a writer gets the lock soon after it is released (the driver's retry loop polls every 150 ms).
    /// The native wait is one short slice; <see cref="SqliteStorage"/> repeats the operation until its busy timeout, checking the
    /// cancellation token between tries.
    /// </summary>
    public static async Task<SqliteConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            SQLitePCL.raw.sqlite3_busy_timeout(connection.Handle, SqliteStorage.BusyWaitSliceMilliseconds);
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

    public Task CommitAsync(CancellationToken cancellationToken) => Transaction.CommitAsync(cancellationToken);

    /// <summary>Ends the scope; an uncommitted transaction rolls back, and the connection returns to the pool.</summary>
    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync().ConfigureAwait(false);
        await Connection.DisposeAsync().ConfigureAwait(false);
    }
}
