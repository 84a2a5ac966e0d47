using Npgsql;
using Upsonic.Storage;
using Upsonic.Storage.Postgres;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Memory.Postgres.Tests;

/// <summary>What an append writes on PostgreSQL: only new rows, never the rows of earlier turns (checked through row versions).</summary>
public sealed class PostgresAppendTests : IAsyncLifetime
{
    private readonly PostgresTarget _target = new();
    private PostgresStorage _storage = null!;
    private NpgsqlDataSource _raw = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _storage = (PostgresStorage)await _target.CreateAsync();
        _raw = NpgsqlDataSource.Create(await PostgresTestServer.ConnectionStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        await _raw.DisposeAsync();
        await _storage.DisposeAsync();
        await _target.DisposeAsync();
    }

    /// <summary>The transaction id that last wrote each row (xmin), by key: it changes whenever a row is rewritten.</summary>
    private async Task<Dictionary<string, string>> RowVersionsAsync(string table, string key)
    {
        await using var command = _raw.CreateCommand($"SELECT {key}::text, xmin::text FROM \"{_storage.DbSchema}\".\"{table}\"");
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var versions = new Dictionary<string, string>();
        while (await reader.ReadAsync(Ct))
        {
            versions[reader.GetString(0)] = reader.GetString(1);
        }

        return versions;
    }

    [Fact]
    public async Task Appending_a_turn_never_rewrites_the_message_or_run_rows_of_earlier_turns()
    {
        await AppendTurnsAsync(_storage, "s1", 3, ct: Ct);
        var messagesBefore = await RowVersionsAsync(_storage.MessageTable, "seq");
        var runsBefore = await RowVersionsAsync(_storage.RunTable, "run_id");

        await _storage.AppendRunAsync(Append("s1", Turn("r4", "q4")), Ct);

        var messagesAfter = await RowVersionsAsync(_storage.MessageTable, "seq");
        var runsAfter = await RowVersionsAsync(_storage.RunTable, "run_id");
        Assert.Equal(messagesBefore.Count + 2, messagesAfter.Count);
        Assert.All(messagesBefore, row => Assert.Equal(row.Value, messagesAfter[row.Key]));
        Assert.All(runsBefore, row => Assert.Equal(row.Value, runsAfter[row.Key]));
    }

    [Fact]
    public async Task Saving_a_paused_run_again_inserts_only_its_new_messages_and_keeps_its_sequence()
    {
        await _storage.AppendRunAsync(Append("s1", Turn("r1", "q1")), Ct);
        var paused = Run("r2", RunStatus.Paused, null, null, Usage(10, 5), User("q2"));
        var first = await _storage.AppendRunAsync(Append("s1", paused), Ct);
        var before = await RowVersionsAsync(_storage.MessageTable, "seq");

        var resumed = Run("r2", RunStatus.Completed, null, null, Usage(30, 15), User("q2"), Assistant("a2"));
        var second = await _storage.AppendRunAsync(Append("s1", resumed), Ct);

        Assert.Equal(first.Sequence, second.Sequence);
        Assert.Equal(1, second.MessagesAppended);
        Assert.False(second.RunCreated);
        var after = await RowVersionsAsync(_storage.MessageTable, "seq");
        Assert.Equal(before.Count + 1, after.Count);
        Assert.All(before, row => Assert.Equal(row.Value, after[row.Key]));
        var window = await _storage.LoadSessionWindowAsync("s1", 0, Ct);
        Assert.Equal(45, window!.Session.Usage!.TotalTokenCount);
    }
}
