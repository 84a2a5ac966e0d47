using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;

namespace Upsonic.Benchmarks.Baselines;

/// <summary>The whole-session rewrite baseline on SQLite, in the same file as SqliteStorage, with the same pooled connections.</summary>
public sealed class SqliteWholeSessionStore(string dbFile) : IWholeSessionStore
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder { DataSource = dbFile, Pooling = true, DefaultTimeout = 30 }.ToString();

    /// <inheritdoc />
    public async Task CreateAsync()
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE IF NOT EXISTS bench_whole_sessions (session_id TEXT PRIMARY KEY, messages TEXT NOT NULL);";
        await command.ExecuteNonQueryAsync();
    }

    /// <inheritdoc />
    public async Task SeedAsync(string sessionId, string document)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT OR REPLACE INTO bench_whole_sessions (session_id, messages) VALUES (@id, @messages);";
        command.Parameters.AddWithValue("@id", sessionId);
        command.Parameters.AddWithValue("@messages", document);
        await command.ExecuteNonQueryAsync();
    }

    /// <inheritdoc />
    public async Task<List<ChatMessage>> ReadAsync(string sessionId)
    {
        await using var connection = await OpenAsync();
        await using var read = connection.CreateCommand();
        read.CommandText = "SELECT messages FROM bench_whole_sessions WHERE session_id = @id;";
        read.Parameters.AddWithValue("@id", sessionId);
        return SessionDocument.Read((string)(await read.ExecuteScalarAsync())!);
    }

    /// <inheritdoc />
    public async Task TurnAsync(string sessionId, IEnumerable<ChatMessage> newMessages)
    {
        await using var connection = await OpenAsync();
        await using var transaction = connection.BeginTransaction(deferred: false);
        string document;
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT messages FROM bench_whole_sessions WHERE session_id = @id;";
            read.Parameters.AddWithValue("@id", sessionId);
            document = (string)(await read.ExecuteScalarAsync())!;
        }

        await using (var write = connection.CreateCommand())
        {
            write.Transaction = transaction;
            write.CommandText = "UPDATE bench_whole_sessions SET messages = @messages WHERE session_id = @id;";
            write.Parameters.AddWithValue("@id", sessionId);
            write.Parameters.AddWithValue("@messages", SessionDocument.Append(document, newMessages));
            await write.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    /// <inheritdoc />
    public async Task DeleteAsync(IReadOnlyCollection<string> sessionIds)
    {
        await using var connection = await OpenAsync();
        foreach (var id in sessionIds)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM bench_whole_sessions WHERE session_id = @id;";
            command.Parameters.AddWithValue("@id", id);
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
}
