using Microsoft.Data.Sqlite;
using Upsonic.Storage;
using Upsonic.Storage.Sqlite;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Memory.Sqlite.Tests;

/// <summary>What the file keeps: data across dispose and reopen, hostile values literally, and readable rows beside a corrupt one.</summary>
/// <remarks>Concurrent writers are covered by the shared concurrency contract (<see cref="Contract.SqliteConcurrencyContract"/>).</remarks>
public sealed class SqlitePersistenceTests : IAsyncLifetime
{
    private readonly SqliteTarget _target = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Data_survives_dispose_and_reopen()
    {
        var file = _target.NewDbFile();
        await using (var first = new SqliteStorage(file))
        {
            await AppendTurnsAsync(first, "s1", 3, "u1", ct: Ct);
            await first.UpsertUserMemoryAsync(new UserMemory { UserId = "u1", Profile = new() { ["name"] = "Ada" } }, Ct);
            await first.UpdateSummaryAsync("s1", "so far", 3, Ct);
        }

        await using var reopened = new SqliteStorage(file);
        var window = await reopened.LoadSessionWindowAsync("s1", null, Ct);

        Assert.Equal([1L, 2L, 3L], window!.Turns.Select(t => t.Turn));
        Assert.Equal("so far", window.Session.Summary);
        Assert.Equal("Ada", (await reopened.GetUserMemoryAsync("u1", cancellationToken: Ct))!.Profile["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Sql_looking_ids_are_stored_literally_and_harm_no_table()
    {
        const string id = "x'); DROP TABLE upsonic_sessions; --";
        await using var storage = new SqliteStorage(_target.NewDbFile());

        await storage.AppendRunAsync(Append(id, Turn(id, "hi", userId: id)), Ct);

        Assert.True(await storage.TableExistsAsync(storage.SessionTable, Ct));
        Assert.Equal(id, (await storage.GetSessionAsync(id, cancellationToken: Ct))!.UserId);
        Assert.Equal(id, (await storage.FindRunAsync(id, cancellationToken: Ct))!.SessionId);
        Assert.Null(await storage.GetSessionAsync("x", cancellationToken: Ct));
    }

    [Fact]
    public async Task A_corrupt_message_fails_only_reads_that_include_it_naming_it()
    {
        await using var storage = new SqliteStorage(_target.NewDbFile());
        await AppendTurnsAsync(storage, "s1", 3, ct: Ct);
        await _target.CorruptMessageAsync(storage, "s1", 1);

        var ex = await Assert.ThrowsAsync<StorageException>(() => storage.LoadSessionWindowAsync("s1", null, Ct));
        Assert.Equal("s1", ex.RecordId);
        Assert.Contains("1", ex.Message, StringComparison.Ordinal);

        Assert.Equal(2, (await storage.LoadSessionWindowAsync("s1", 2, Ct))!.Turns.Count);
        Assert.NotNull(await storage.GetRunAsync("s1", "r3", Ct));
    }

    [Fact]
    public async Task Every_opened_connection_waits_for_the_write_lock_in_short_slices()
    {
        await using var storage = new SqliteStorage(_target.NewDbFile());
        await storage.EnsureCreatedAsync(Ct);

        for (var open = 0; open < 2; open++)
        {
            // The second open reuses the pooled connection.
            await using var connection = await SqliteScope.OpenAsync(storage.ConnectionString, Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA busy_timeout;";

            Assert.Equal((long)SqliteStorage.BusyWaitSliceMilliseconds, await command.ExecuteScalarAsync(Ct));
        }
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        return _target.DisposeAsync();
    }
}
