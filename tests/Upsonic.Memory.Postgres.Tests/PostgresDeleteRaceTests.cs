using Npgsql;
using Upsonic.Storage;
using Upsonic.Storage.Postgres;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Memory.Postgres.Tests;

/// <summary>
/// A delete against a write of the same session still in progress: the rows hold no foreign key to their head, so the storage
/// deletes them itself, and must see every row the writer commits while the delete waits for it.
/// </summary>
public sealed class PostgresDeleteRaceTests : IAsyncLifetime
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

    [Fact]
    public async Task A_delete_that_waits_for_a_writer_of_the_session_deletes_the_rows_that_writer_committed()
    {
        await AppendTurnsAsync(_storage, "s1", 1, ct: Ct);

        // Another writer of s1, as an append writes: the head locked, then a message and a run row, in a transaction still open.
        await using var writer = await _raw.OpenConnectionAsync(Ct);
        await using var write = await writer.BeginTransactionAsync(Ct);
        await ExecuteAsync(writer, write, $"UPDATE {Table(_storage.SessionTable)} SET message_count = 3, run_count = 2 WHERE session_id = 's1'");
        await ExecuteAsync(writer, write, $$"""
            INSERT INTO {{Table(_storage.MessageTable)}} (session_id, seq, turn, run_id, in_history, message, tokens)
            VALUES ('s1', 3, 2, 'r2', true, '{"role":"user","contents":[{"$type":"text","text":"late"}]}', 5)
            """);
        await ExecuteAsync(writer, write, $"""
            INSERT INTO {Table(_storage.RunTable)} (session_id, run_id, seq, status, message_count) VALUES ('s1', 'r2', 2, 'completed', 1)
            """);

        var delete = _storage.DeleteSessionAsync("s1", Ct);
        await PostgresLockWaits.UntilADeleteWaitsAsync(_raw, Ct);
        await write.CommitAsync(Ct);

        Assert.True(await delete);
        Assert.Equal(0L, await CountAsync($"SELECT count(*) FROM {Table(_storage.MessageTable)} WHERE session_id = 's1'"));
        Assert.Equal(0L, await CountAsync($"SELECT count(*) FROM {Table(_storage.RunTable)} WHERE session_id = 's1'"));

        // The id is free again: a new session starts at the first sequence, with nothing of the old one.
        await _storage.AppendRunAsync(Append("s1", Turn("r1", "again")), Ct);
        var session = await _storage.GetSessionAsync("s1", cancellationToken: Ct);
        Assert.Equal(["again", "answer to again"], session!.Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task Deleting_a_users_data_deletes_the_rows_of_every_session_of_the_user_and_no_other()
    {
        await _storage.AppendRunAsync(Append("a", Turn("r1", "one", userId: "u1")), Ct);
        await _storage.AppendRunAsync(Append("b", Turn("r1", "two", userId: "u1")), Ct);
        await _storage.AppendRunAsync(Append("c", Turn("r1", "three", userId: "u2")), Ct);

        Assert.Equal(2, await _storage.DeleteUserDataAsync("u1", Ct));

        Assert.Equal(
            ["c"],
            await ListAsync($"SELECT DISTINCT session_id FROM {Table(_storage.MessageTable)} UNION SELECT DISTINCT session_id FROM {Table(_storage.RunTable)}"));
    }

    private string Table(string name) => $"\"{_storage.DbSchema}\".\"{name}\"";

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var command = _raw.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }

    private async Task<List<string>> ListAsync(string sql)
    {
        await using var command = _raw.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var values = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
