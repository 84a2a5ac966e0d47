using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;

namespace Upsonic.Benchmarks.Baselines;

/// <summary>
/// The least any application storing chat history per message in SQLite must do per turn, written with the raw driver against
/// SqliteStorage's own message table in the same file: ONE parameterized read of the last 10 turns' messages (deserialized) and
/// ONE transaction inserting the turn's 2 messages (serialized). It keeps the session's last turn and message numbers in process
/// memory, so it reads no head, writes no run record and does no usage or metadata work: the floor, not a usable store.
/// </summary>
public sealed class RawSqliteTurns
{
    private const int HistoryTurns = 10;
    private readonly string _connectionString;
    private readonly string _readSql;
    private readonly string _insertSql;

    /// <summary>Uses <paramref name="messageTable"/> in <paramref name="dbFile"/>, pooled connections as SqliteStorage uses.</summary>
    public RawSqliteTurns(string dbFile, string messageTable)
    {
        _connectionString = new SqliteConnectionStringBuilder { DataSource = dbFile, Pooling = true, DefaultTimeout = 30 }.ToString();
        _readSql = $"SELECT message FROM \"{messageTable}\" WHERE session_id = @s AND in_history = 1 AND turn > @from ORDER BY turn, seq;";
        _insertSql = $"INSERT INTO \"{messageTable}\" (session_id, seq, turn, run_id, in_history, message) VALUES (@s, @seq, @turn, @run, 1, @message);";
    }

    /// <summary>One turn of <paramref name="session"/>: read the window, then insert <paramref name="newMessages"/>.</summary>
    public async Task<List<ChatMessage>> TurnAsync(RawSession session, IReadOnlyList<ChatMessage> newMessages)
    {
        var window = new List<ChatMessage>(2 * HistoryTurns);
        await using (var connection = new SqliteConnection(_connectionString))
        {
            await connection.OpenAsync();
            await using var read = connection.CreateCommand();
            read.CommandText = _readSql;
            read.Parameters.AddWithValue("@s", session.SessionId);
            read.Parameters.AddWithValue("@from", session.LastTurn - HistoryTurns);
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                window.Add(JsonSerializer.Deserialize<ChatMessage>(reader.GetString(0), AIJsonUtilities.DefaultOptions)!);
            }
        }

        await using (var connection = new SqliteConnection(_connectionString))
        {
            await connection.OpenAsync();
            await using var transaction = connection.BeginTransaction(deferred: false);
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = _insertSql;
            var turn = ++session.LastTurn;
            insert.Parameters.AddWithValue("@s", session.SessionId);
            insert.Parameters.AddWithValue("@turn", turn);
            insert.Parameters.AddWithValue("@run", Guid.NewGuid().ToString());
            var seq = insert.Parameters.Add("@seq", SqliteType.Integer);
            var message = insert.Parameters.Add("@message", SqliteType.Text);
            foreach (var m in newMessages)
            {
                seq.Value = ++session.LastSequence;
                message.Value = JsonSerializer.Serialize(m, AIJsonUtilities.DefaultOptions);
                await insert.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }

        return window;
    }
}

/// <summary>What the raw baseline remembers about one session between turns.</summary>
public sealed class RawSession(string sessionId, long lastTurn, long lastSequence)
{
    /// <summary>The session id.</summary>
    public string SessionId { get; } = sessionId;

    /// <summary>The last stored turn.</summary>
    public long LastTurn { get; set; } = lastTurn;

    /// <summary>The last stored message sequence.</summary>
    public long LastSequence { get; set; } = lastSequence;
}
