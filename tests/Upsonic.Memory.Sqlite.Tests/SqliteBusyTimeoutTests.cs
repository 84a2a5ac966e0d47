using Microsoft.Data.Sqlite;
using Upsonic.Storage;
using Upsonic.Storage.Sqlite;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Memory.Sqlite.Tests;

/// <summary>A file another connection keeps locked: the busy timeout is an option that bounds the wait, and cancellation ends it early.</summary>
public sealed class SqliteBusyTimeoutTests : IAsyncLifetime
{
    private readonly SqliteTarget _target = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void The_busy_timeout_defaults_to_five_seconds_and_must_be_positive()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), new SqliteStorage(_target.NewDbFile()).BusyTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), new SqliteStorage(_target.NewDbFile(), busyTimeout: TimeSpan.FromSeconds(2)).BusyTimeout);
        Assert.Equal("busyTimeout", Assert.Throws<ArgumentOutOfRangeException>(() => new SqliteStorage(_target.NewDbFile(), busyTimeout: TimeSpan.Zero)).ParamName);
    }

    // Before the option, a locked file held a write for 3 x 30 s: the xunit timeout fails such a wait.
    [Fact(Timeout = 60_000)]
    public async Task A_write_to_a_locked_file_fails_after_the_busy_timeout_with_a_storage_exception()
    {
        await using var storage = new SqliteStorage(_target.NewDbFile(), busyTimeout: TimeSpan.FromSeconds(1));
        await storage.EnsureCreatedAsync(Ct);
        await using var holder = await LockAsync(storage);

        var ex = await Assert.ThrowsAsync<StorageException>(() => storage.AppendRunAsync(Append("s1", Turn("r1", "hi")), Ct));

        Assert.Equal("AppendRun", ex.Operation);
        Assert.False(ex.IsCorruptData);
    }

    [Fact(Timeout = 60_000)]
    public async Task Cancelling_a_write_that_waits_for_a_locked_file_ends_it_long_before_the_busy_timeout()
    {
        await using var storage = new SqliteStorage(_target.NewDbFile(), busyTimeout: TimeSpan.FromHours(1));
        await storage.EnsureCreatedAsync(Ct);
        await using var holder = await LockAsync(storage);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => storage.AppendRunAsync(Append("s1", Turn("r1", "hi")), cts.Token));

        await holder.DisposeAsync();
        Assert.Null(await storage.GetSessionAsync("s1", cancellationToken: Ct));
    }

    /// <summary>Another connection that holds the file's write lock until disposed.</summary>
    private static async Task<SqliteConnection> LockAsync(SqliteStorage storage)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = storage.DbFile, Pooling = false }.ToString());
        await connection.OpenAsync(Ct);
        await using var begin = connection.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE;";
        await begin.ExecuteNonQueryAsync(Ct);
        return connection;
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        return _target.DisposeAsync();
    }
}
