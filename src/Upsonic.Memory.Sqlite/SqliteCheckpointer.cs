using Microsoft.Data.Sqlite;

namespace Upsonic.Storage.Sqlite;

/// <summary>
/// Write-ahead log checkpoints of one <see cref="SqliteStorage"/>, off the commit path. SQLite's automatic checkpoint runs
/// inside the commit that takes the log past 1,000 pages: that one turn copies the log into the database file and syncs it
/// while it still holds this process's writer queue, so every writer behind it waits (the slowest turns under concurrency).
/// The storage's connections therefore do not checkpoint when they commit (<see cref="Disable"/>); instead every
/// <see cref="WritesPerCheckpoint"/>-th write starts one <c>PASSIVE</c> checkpoint on a pooled connection in the background,
/// which copies what no reader still needs while writers go on appending to the log. One runs at a time.
/// </summary>
/// <remarks>A checkpoint that fails (for example on a file another process holds locked) is left to the next one; other
/// processes' connections keep SQLite's automatic checkpoint, so the log of a shared file is bounded as before.</remarks>
internal sealed class SqliteCheckpointer
{
    /// <summary>How many writes of this storage start one checkpoint: about the 1,000 pages of SQLite's automatic
    /// checkpoint for turns of a few messages (a turn writes 10-15 pages).</summary>
    public const int WritesPerCheckpoint = 64;

    private const string Checkpoint = "PRAGMA wal_checkpoint(PASSIVE);";

    private readonly SqliteConnectionPool _pool;
    private int _writes;
    private int _running;
    private long _completed;
    private volatile Task _current = Task.CompletedTask;

    public SqliteCheckpointer(SqliteConnectionPool pool) => _pool = pool;

    /// <summary>How many checkpoints have run to the end (tests observe that they happen).</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Turns off SQLite's automatic checkpoint on one of the storage's connections.</summary>
    public static void Disable(SqliteConnection connection) => SQLitePCL.raw.sqlite3_wal_autocheckpoint(connection.Handle, 0);

    /// <summary>Counts a committed write; every <see cref="WritesPerCheckpoint"/>-th starts a checkpoint unless one is running.</summary>
    public void AfterWrite()
    {
        if (Interlocked.Increment(ref _writes) < WritesPerCheckpoint || Interlocked.CompareExchange(ref _running, 1, 0) != 0)
        {
            return;
        }

        Interlocked.Exchange(ref _writes, 0);
        _current = Task.Run(RunAsync);
    }

    /// <summary>Waits for a running checkpoint to end (before the storage closes its connections).</summary>
    public void WaitIdle() => _current.Wait();

    private async Task RunAsync()
    {
        try
        {
            var pooled = await _pool.RentAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await using var command = pooled.Connection.CreateCommand();
                command.CommandText = Checkpoint;
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
                Interlocked.Increment(ref _completed);
            }
            finally
            {
                _pool.Return(pooled);
            }
        }
        catch (Exception ex) when (ex is SqliteException or ObjectDisposedException or InvalidOperationException)
        {
            // Nothing is lost: the log keeps every committed page, and the next checkpoint (or the last connection's close)
            // copies it. A storage being disposed may close the pool under a late one.
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }
}
