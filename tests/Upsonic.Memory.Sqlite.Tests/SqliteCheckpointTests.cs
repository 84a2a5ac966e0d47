using Upsonic.Storage.Sqlite;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Memory.Sqlite.Tests;

/// <summary>The write-ahead log is checkpointed in the background, every so many writes, and never inside a commit.</summary>
public sealed class SqliteCheckpointTests : IAsyncLifetime
{
    private readonly SqliteTarget _target = new();
    private SqliteStorage _storage = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _storage = new SqliteStorage(_target.NewDbFile());
        await _storage.EnsureCreatedAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _storage.DisposeAsync();
        await _target.DisposeAsync();
    }

    [Fact]
    public async Task The_storage_s_connections_do_not_checkpoint_when_they_commit()
    {
        var pooled = await _storage.Pool.RentAsync(Ct);
        try
        {
            await using var command = pooled.Connection.CreateCommand();
            command.CommandText = "PRAGMA wal_autocheckpoint;";

            Assert.Equal(0L, await command.ExecuteScalarAsync(Ct));
        }
        finally
        {
            _storage.Pool.Return(pooled);
        }
    }

    [Fact]
    public async Task Every_so_many_writes_one_checkpoint_copies_the_log_into_the_database_file()
    {
        var created = FileLength();
        await AppendTurnsAsync(_storage, "s1", SqliteCheckpointer.WritesPerCheckpoint - 2, ct: Ct);
        _storage.Checkpointer.WaitIdle();
        Assert.Equal(0, _storage.Checkpointer.Completed);
        Assert.Equal(created, FileLength());

        await AppendTurnsAsync(_storage, "s2", 2, ct: Ct);
        _storage.Checkpointer.WaitIdle();

        Assert.Equal(1, _storage.Checkpointer.Completed);
        Assert.True(FileLength() > created);
        Assert.Equal(SqliteCheckpointer.WritesPerCheckpoint - 2, (await _storage.LoadSessionWindowAsync("s1", null, Ct))!.Turns.Count);
    }

    /// <summary>The size of the database file itself (not its log): it grows only when a checkpoint copies pages into it.</summary>
    private long FileLength() => new FileInfo(_storage.DbFile!).Length;
}
