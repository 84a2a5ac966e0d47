using Microsoft.Data.Sqlite;
using Upsonic.Benchmarks.Fixtures;

namespace Upsonic.Benchmarks.Baselines;

/// <summary>
/// <see cref="IRawTurns"/> on SQLite with Microsoft.Data.Sqlite, in the library's file (WAL): the read is one command of two
/// SELECTs (head by primary key, messages by the (session, turn) index) on a pooled connection; the write is one
/// <c>BEGIN IMMEDIATE</c> transaction with one command inserting the 2 messages and the run and updating the head. Writers of
/// the file queue on one in-process lock (SQLite has one writer at a time; waiting in its busy handler sleeps and retries).
/// </summary>
public sealed class RawSqliteTurns(string dbFile) : IRawTurns
{
    private const string Heads = "bench_raw_heads";
    private const string Messages = "bench_raw_messages";
    private const string Runs = "bench_raw_runs";

    private static readonly string ReadSql =
        $"SELECT run_count, message_count FROM {Heads} WHERE session_id = @s; " +
        $"SELECT message FROM {Messages} WHERE session_id = @s AND turn > @from ORDER BY turn, seq;";

    private static readonly string WriteSql =
        $"INSERT INTO {Messages} (session_id, seq, turn, message) VALUES (@s, @seq1, @turn, @m1), (@s, @seq2, @turn, @m2); " +
        $"INSERT INTO {Runs} (session_id, run_id, seq, record) VALUES (@s, @run, @turn, @record); " +
        $"UPDATE {Heads} SET run_count = @turn, message_count = @seq2, updated_at = @now WHERE session_id = @s;";

    private static readonly SemaphoreSlim Writer = new(1, 1);

    private readonly string _connectionString =
        new SqliteConnectionStringBuilder { DataSource = dbFile, Pooling = true, DefaultTimeout = 30 }.ToString();

    /// <inheritdoc />
    public async Task CreateAsync()
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS {Heads} (session_id TEXT PRIMARY KEY, run_count INTEGER NOT NULL, message_count INTEGER NOT NULL, updated_at INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS {Messages} (session_id TEXT NOT NULL, seq INTEGER NOT NULL, turn INTEGER NOT NULL, message TEXT NOT NULL, PRIMARY KEY (session_id, seq));
            CREATE INDEX IF NOT EXISTS {Messages}_turn ON {Messages} (session_id, turn);
            CREATE TABLE IF NOT EXISTS {Runs} (session_id TEXT NOT NULL, run_id TEXT NOT NULL, seq INTEGER NOT NULL, record TEXT NOT NULL, PRIMARY KEY (session_id, run_id));
            """;
        await command.ExecuteNonQueryAsync();
    }

    /// <inheritdoc />
    public async Task<RawSession> SeedAsync(string sessionId, int turns)
    {
        await using var connection = await OpenAsync();
        await using var transaction = connection.BeginTransaction();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO {Heads} (session_id, run_count, message_count, updated_at) VALUES (@s, @turn, @seq2, @now);";
        Bind(command, sessionId, 0, 0, 0, "", "");
        for (var turn = 1L; turn <= turns; turn++)
        {
            await Write(command, sessionId, turn, transaction, first: turn == 1);
        }

        command.CommandText = $"UPDATE {Heads} SET run_count = @turn, message_count = @seq2 WHERE session_id = @s;";
        await command.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
        return new RawSession(sessionId, turns, 2L * turns);
    }

    /// <inheritdoc />
    public async Task<int> TurnAsync(RawSession session, long turn)
    {
        var window = 0;
        await using (var connection = await OpenAsync())
        {
            await using var read = connection.CreateCommand();
            read.CommandText = ReadSql;
            read.Parameters.AddWithValue("@s", session.SessionId);
            read.Parameters.AddWithValue("@from", session.LastTurn - RawSession.HistoryTurns);
            await using var reader = await read.ExecuteReaderAsync();
            await reader.ReadAsync();
            _ = reader.GetInt64(0);
            await reader.NextResultAsync();
            while (await reader.ReadAsync())
            {
                _ = RawRecords.Read(reader.GetString(0));
                window++;
            }
        }

        await Writer.WaitAsync();
        try
        {
            await using var connection = await OpenAsync();
            await using var transaction = connection.BeginTransaction(deferred: false);
            await using var write = connection.CreateCommand();
            write.Transaction = transaction;
            write.CommandText = WriteSql;
            Bind(write, session.SessionId, turn, session.LastSequence + 1, session.LastSequence + 2,
                RawRecords.Message(Conversation.Messages(turn)[0]), RawRecords.Message(Conversation.Messages(turn)[1]));
            await write.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
        }
        finally
        {
            Writer.Release();
        }

        session.LastTurn = turn;
        session.LastSequence += 2;
        return window;
    }

    /// <inheritdoc />
    public async Task DeleteAsync(IReadOnlyCollection<string> sessionIds)
    {
        await using var connection = await OpenAsync();
        foreach (var id in sessionIds)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"DELETE FROM {Messages} WHERE session_id = @s; DELETE FROM {Runs} WHERE session_id = @s; DELETE FROM {Heads} WHERE session_id = @s;";
            command.Parameters.AddWithValue("@s", id);
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static void Bind(SqliteCommand command, string sessionId, long turn, long seq1, long seq2, string m1, string m2)
    {
        command.Parameters.Clear();
        command.Parameters.AddWithValue("@s", sessionId);
        command.Parameters.AddWithValue("@turn", turn);
        command.Parameters.AddWithValue("@seq1", seq1);
        command.Parameters.AddWithValue("@seq2", seq2);
        command.Parameters.AddWithValue("@m1", m1);
        command.Parameters.AddWithValue("@m2", m2);
        command.Parameters.AddWithValue("@run", RawRecords.RunId(sessionId, turn));
        command.Parameters.AddWithValue("@record", turn == 0 ? "" : RawRecords.Run(sessionId, turn));
        command.Parameters.AddWithValue("@now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    // Seeding: the head row first, then each turn's messages and run with the measured write's statements.
    private static async Task Write(SqliteCommand command, string sessionId, long turn, SqliteTransaction transaction, bool first)
    {
        if (first)
        {
            await command.ExecuteNonQueryAsync();
        }

        command.Transaction = transaction;
        command.CommandText = WriteSql;
        Bind(command, sessionId, turn, (2 * turn) - 1, 2 * turn,
            RawRecords.Message(Conversation.Messages(turn)[0]), RawRecords.Message(Conversation.Messages(turn)[1]));
        await command.ExecuteNonQueryAsync();
    }
}
