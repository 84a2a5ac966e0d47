using System.Collections.Concurrent;

namespace Upsonic.Storage.Sqlite;

/// <summary>
/// The open connections of one <see cref="SqliteStorage"/>, each with its prepared hot-path commands
/// (<see cref="SqlitePooledConnection"/>): a turn runs statements SQLite has already compiled instead of preparing them again on
/// every call, which the driver's own pool cannot do (its commands die with the connection object).
/// </summary>
/// <remarks>At most <see cref="MaxIdle"/> connections stay open between calls; <see cref="Clear"/> closes the idle ones, and
/// connections in use when it runs are closed when they come back.</remarks>
internal sealed class SqliteConnectionPool
{
    /// <summary>How many idle connections are kept open.</summary>
    public const int MaxIdle = 16;

    private readonly string _connectionString;
    private readonly ConcurrentBag<SqlitePooledConnection> _idle = [];
    private int _generation;
    private long _commandsPrepared;

    public SqliteConnectionPool(string connectionString) => _connectionString = connectionString;

    /// <summary>Observes every statement SQLite starts on connections opened after it is set (tests count statements per call).</summary>
    public Action<string>? StatementObserver { get; set; }

    /// <summary>How many commands the pool's connections have prepared so far (each SQL text once per connection).</summary>
    public long CommandsPrepared => Interlocked.Read(ref _commandsPrepared);

    /// <summary>Counts a command prepared by one of the pool's connections.</summary>
    internal void CountPrepared() => Interlocked.Increment(ref _commandsPrepared);

    /// <summary>An open connection: an idle one, or a new one.</summary>
    public async Task<SqlitePooledConnection> RentAsync(CancellationToken cancellationToken)
    {
        while (_idle.TryTake(out var idle))
        {
            if (idle.Generation == Volatile.Read(ref _generation) && idle.IsOpen)
            {
                return idle;
            }

            idle.Dispose();
        }

        var connection = await SqliteScope.OpenAsync(_connectionString, cancellationToken).ConfigureAwait(false);
        return new SqlitePooledConnection(this, connection, Volatile.Read(ref _generation), StatementObserver);
    }

    /// <summary>Takes a connection back (with no transaction open), or closes it when the pool is full, cleared or it broke.</summary>
    public void Return(SqlitePooledConnection connection)
    {
        if (connection.Generation != Volatile.Read(ref _generation) || !connection.IsOpen || _idle.Count >= MaxIdle)
        {
            connection.Dispose();
            return;
        }

        _idle.Add(connection);
    }

    /// <summary>Closes every idle connection; those in use are closed when they come back.</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _generation);
        while (_idle.TryTake(out var idle))
        {
            idle.Dispose();
        }
    }
}
