using Npgsql;
using NpgsqlTypes;
using Upsonic.Benchmarks.Fixtures;

namespace Upsonic.Benchmarks.Baselines;

/// <summary>
/// <see cref="IRawTurns"/> on PostgreSQL with Npgsql, in the benchmark schema: the read is one batch of two SELECTs (head by
/// primary key, messages by the (session, turn) index); the write is one batch (one implicit transaction, one round trip)
/// inserting the 2 messages in one statement, the run, and updating the head. Messages are JSON <c>text</c> and the run record
/// <c>jsonb</c>, as in the library. The
/// data source gets the driver's fastest settings for this pattern: automatic preparation and no reset on close.
/// </summary>
public sealed class RawPostgresTurns : IRawTurns
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _schema;
    private readonly string _heads;
    private readonly string _messages;
    private readonly string _runs;

    /// <summary>Uses <paramref name="connectionString"/> with Max Auto Prepare = 16 and No Reset On Close.</summary>
    public RawPostgresTurns(string connectionString, string schema)
    {
        _dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 16, NoResetOnClose = true }.ConnectionString);
        _schema = schema;
        _heads = $"\"{schema}\".bench_raw_heads";
        _messages = $"\"{schema}\".bench_raw_messages";
        _runs = $"\"{schema}\".bench_raw_runs";
    }

    /// <inheritdoc />
    public async Task CreateAsync()
    {
        await using var command = _dataSource.CreateCommand($"""
            CREATE SCHEMA IF NOT EXISTS "{_schema}";
            CREATE TABLE IF NOT EXISTS {_heads} (session_id text PRIMARY KEY, run_count bigint NOT NULL, message_count bigint NOT NULL, updated_at timestamptz NOT NULL);
            CREATE TABLE IF NOT EXISTS {_messages} (session_id text NOT NULL, seq bigint NOT NULL, turn bigint NOT NULL, message text NOT NULL, PRIMARY KEY (session_id, seq));
            CREATE INDEX IF NOT EXISTS bench_raw_messages_turn ON {_messages} (session_id, turn);
            CREATE TABLE IF NOT EXISTS {_runs} (session_id text NOT NULL, run_id text NOT NULL, seq bigint NOT NULL, record jsonb NOT NULL, PRIMARY KEY (session_id, run_id));
            """);
        await command.ExecuteNonQueryAsync();
    }

    /// <inheritdoc />
    public async Task<RawSession> SeedAsync(string sessionId, int turns)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using (var messages = await connection.BeginBinaryImportAsync($"COPY {_messages} (session_id, seq, turn, message) FROM STDIN (FORMAT BINARY)"))
        {
            for (var turn = 1L; turn <= turns; turn++)
            {
                var pair = Conversation.Messages(turn);
                for (var i = 0; i < 2; i++)
                {
                    await messages.StartRowAsync();
                    await messages.WriteAsync(sessionId, NpgsqlDbType.Text);
                    await messages.WriteAsync((2 * turn) - 1 + i, NpgsqlDbType.Bigint);
                    await messages.WriteAsync(turn, NpgsqlDbType.Bigint);
                    await messages.WriteAsync(RawRecords.Message(pair[i]), NpgsqlDbType.Text);
                }
            }

            await messages.CompleteAsync();
        }

        await using (var runs = await connection.BeginBinaryImportAsync($"COPY {_runs} (session_id, run_id, seq, record) FROM STDIN (FORMAT BINARY)"))
        {
            for (var turn = 1L; turn <= turns; turn++)
            {
                await runs.StartRowAsync();
                await runs.WriteAsync(sessionId, NpgsqlDbType.Text);
                await runs.WriteAsync(RawRecords.RunId(sessionId, turn), NpgsqlDbType.Text);
                await runs.WriteAsync(turn, NpgsqlDbType.Bigint);
                await runs.WriteAsync(RawRecords.Run(sessionId, turn), NpgsqlDbType.Jsonb);
            }

            await runs.CompleteAsync();
        }

        await using var head = new NpgsqlCommand($"INSERT INTO {_heads} VALUES ($1, $2, $3, now())", connection);
        head.Parameters.Add(new NpgsqlParameter { Value = sessionId, NpgsqlDbType = NpgsqlDbType.Text });
        head.Parameters.Add(new NpgsqlParameter { Value = (long)turns, NpgsqlDbType = NpgsqlDbType.Bigint });
        head.Parameters.Add(new NpgsqlParameter { Value = 2L * turns, NpgsqlDbType = NpgsqlDbType.Bigint });
        await head.ExecuteNonQueryAsync();
        await using var analyze = new NpgsqlCommand($"ANALYZE {_messages}", connection);
        await analyze.ExecuteNonQueryAsync();
        return new RawSession(sessionId, turns, 2L * turns);
    }

    /// <inheritdoc />
    public async Task<int> TurnAsync(RawSession session, long turn)
    {
        var window = 0;
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using (var read = new NpgsqlBatch(connection))
        {
            read.BatchCommands.Add(Command($"SELECT run_count, message_count FROM {_heads} WHERE session_id = $1", Text(session.SessionId)));
            read.BatchCommands.Add(Command($"SELECT message FROM {_messages} WHERE session_id = $1 AND turn > $2 ORDER BY turn, seq",
                Text(session.SessionId), Long(session.LastTurn - RawSession.HistoryTurns)));
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

        var pair = Conversation.Messages(turn);
        await using (var write = new NpgsqlBatch(connection))
        {
            write.BatchCommands.Add(Command($"INSERT INTO {_messages} (session_id, seq, turn, message) VALUES ($1, $2, $4, $5), ($1, $3, $4, $6)",
                Text(session.SessionId), Long(session.LastSequence + 1), Long(session.LastSequence + 2), Long(turn),
                Text(RawRecords.Message(pair[0])), Text(RawRecords.Message(pair[1]))));
            write.BatchCommands.Add(Command($"INSERT INTO {_runs} (session_id, run_id, seq, record) VALUES ($1, $2, $3, $4::jsonb)",
                Text(session.SessionId), Text(RawRecords.RunId(session.SessionId, turn)), Long(turn), Text(RawRecords.Run(session.SessionId, turn))));
            write.BatchCommands.Add(Command($"UPDATE {_heads} SET run_count = $2, message_count = $3, updated_at = now() WHERE session_id = $1",
                Text(session.SessionId), Long(turn), Long(session.LastSequence + 2)));
            await write.ExecuteNonQueryAsync();
        }

        session.LastTurn = turn;
        session.LastSequence += 2;
        return window;
    }

    /// <inheritdoc />
    public async Task DeleteAsync(IReadOnlyCollection<string> sessionIds)
    {
        await using var batch = _dataSource.CreateBatch();
        foreach (var table in new[] { _messages, _runs, _heads })
        {
            batch.BatchCommands.Add(Command($"DELETE FROM {table} WHERE session_id = ANY($1)",
                new NpgsqlParameter { Value = sessionIds.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text }));
        }

        await batch.ExecuteNonQueryAsync();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlParameter Text(string value) => new() { Value = value, NpgsqlDbType = NpgsqlDbType.Text };

    private static NpgsqlParameter Long(long value) => new() { Value = value, NpgsqlDbType = NpgsqlDbType.Bigint };
}
