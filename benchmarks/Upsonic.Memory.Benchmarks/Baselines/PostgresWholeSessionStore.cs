using Microsoft.Extensions.AI;
using Npgsql;
using NpgsqlTypes;

namespace Upsonic.Benchmarks.Baselines;

/// <summary>
/// The whole-session rewrite baseline on PostgreSQL (upstream stores the session's messages in one JSON column), with row locking
/// (SELECT ... FOR UPDATE), which upstream does not even do; the document is <c>text</c> so no jsonb parsing is charged to it.
/// </summary>
public sealed class PostgresWholeSessionStore(string connectionString, string schema) : IWholeSessionStore
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);
    private readonly string _table = $"\"{schema}\".bench_whole_sessions";

    /// <inheritdoc />
    public async Task CreateAsync()
    {
        await using var command = _dataSource.CreateCommand(
            $"CREATE SCHEMA IF NOT EXISTS \"{schema}\"; CREATE TABLE IF NOT EXISTS {_table} (session_id text PRIMARY KEY, messages text NOT NULL);");
        await command.ExecuteNonQueryAsync();
    }

    /// <inheritdoc />
    public async Task SeedAsync(string sessionId, string document)
    {
        await using var command = _dataSource.CreateCommand(
            $"INSERT INTO {_table} (session_id, messages) VALUES ($1, $2) ON CONFLICT (session_id) DO UPDATE SET messages = EXCLUDED.messages;");
        command.Parameters.Add(new NpgsqlParameter { Value = sessionId, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = document, NpgsqlDbType = NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync();
    }

    /// <inheritdoc />
    public async Task<List<ChatMessage>> ReadAsync(string sessionId)
    {
        await using var read = _dataSource.CreateCommand($"SELECT messages FROM {_table} WHERE session_id = $1;");
        read.Parameters.Add(new NpgsqlParameter { Value = sessionId, NpgsqlDbType = NpgsqlDbType.Text });
        return SessionDocument.Read((string)(await read.ExecuteScalarAsync())!);
    }

    /// <inheritdoc />
    public async Task TurnAsync(string sessionId, IEnumerable<ChatMessage> newMessages)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        string document;
        await using (var read = new NpgsqlCommand($"SELECT messages FROM {_table} WHERE session_id = $1 FOR UPDATE;", connection, transaction))
        {
            read.Parameters.Add(new NpgsqlParameter { Value = sessionId, NpgsqlDbType = NpgsqlDbType.Text });
            document = (string)(await read.ExecuteScalarAsync())!;
        }

        await using (var write = new NpgsqlCommand($"UPDATE {_table} SET messages = $2 WHERE session_id = $1;", connection, transaction))
        {
            write.Parameters.Add(new NpgsqlParameter { Value = sessionId, NpgsqlDbType = NpgsqlDbType.Text });
            write.Parameters.Add(new NpgsqlParameter { Value = SessionDocument.Append(document, newMessages), NpgsqlDbType = NpgsqlDbType.Text });
            await write.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    /// <inheritdoc />
    public async Task DeleteAsync(IReadOnlyCollection<string> sessionIds)
    {
        await using var command = _dataSource.CreateCommand($"DELETE FROM {_table} WHERE session_id = ANY($1);");
        command.Parameters.Add(new NpgsqlParameter { Value = sessionIds.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
