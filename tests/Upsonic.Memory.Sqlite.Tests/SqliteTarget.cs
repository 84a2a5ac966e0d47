using Microsoft.Data.Sqlite;
using Upsonic.Storage;
using Upsonic.Storage.Sqlite;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Sqlite.Tests;

/// <summary>
/// Runs the shared suites against <see cref="SqliteStorage"/>: a temporary directory per target, a new database file per
/// storage, and "another process" as a second <see cref="SqliteStorage"/> over the same file.
/// </summary>
public sealed class SqliteTarget : StorageTarget
{
    private int _files;

    /// <summary>The temporary directory holding this target's database files; deleted on dispose.</summary>
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "upsonic-sqlite-tests", Guid.NewGuid().ToString("N"));

    public override string Name => "sqlite";

    /// <summary>A path for a new database file in this target's directory (the directory itself is created by the storage).</summary>
    public string NewDbFile() => Path.Combine(Directory, $"db{Interlocked.Increment(ref _files)}.db");

    public override Task<IStorage> CreateAsync() => Task.FromResult<IStorage>(new SqliteStorage(dbFile: NewDbFile()));

    public override Task<IStorage> CreateNamedAsync(string? sessionTable, string? userMemoryTable, string? knowledgeTable, string? id) =>
        Task.FromResult<IStorage>(new SqliteStorage(NewDbFile(), sessionTable, userMemoryTable, knowledgeTable, id));

    public override Task OverwriteProfileAsync(IStorage storage, string userId, string storedProfileJson) =>
        ExecuteAsync((SqliteStorage)storage, $"UPDATE \"{((SqliteStorage)storage).UserMemoryTable}\" SET user_memory = @value WHERE user_id = @id;", userId, storedProfileJson);

    public override Task OverwriteSessionUpdatedAtAsync(IStorage storage, string sessionId, long unixMilliseconds) =>
        ExecuteAsync((SqliteStorage)storage, $"UPDATE \"{((SqliteStorage)storage).SessionTable}\" SET updated_at = @value WHERE session_id = @id;", sessionId, unixMilliseconds);

    public override Task DeleteMessageRowAsync(IStorage storage, string sessionId, long sequence) =>
        ExecuteAsync((SqliteStorage)storage, $"DELETE FROM \"{((SqliteStorage)storage).MessageTable}\" WHERE session_id = @id AND seq = @value;", sessionId, sequence);

    private static async Task ExecuteAsync(SqliteStorage sqlite, string sql, string id, object value)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = sqlite.DbFile, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("@id", id);
        command.Parameters.AddWithValue("@value", value);
        if (await command.ExecuteNonQueryAsync() != 1)
        {
            throw new InvalidOperationException($"Record '{id}' does not exist, so it cannot be overwritten.");
        }
    }

    public override Task<IStorage> OpenWithOtherTablesAsync(IStorage storage, string sessionTable, string userMemoryTable, string knowledgeTable) =>
        Task.FromResult<IStorage>(new SqliteStorage(((SqliteStorage)storage).DbFile, sessionTable, userMemoryTable, knowledgeTable));

    public override Task<IStorage> OpenAnotherAsync(IStorage storage)
    {
        var sqlite = (SqliteStorage)storage;
        return Task.FromResult<IStorage>(new SqliteStorage(sqlite.DbFile, sqlite.SessionTable, sqlite.UserMemoryTable, sqlite.KnowledgeTable));
    }

    public override Task CorruptMessageAsync(IStorage storage, string sessionId, long sequence) =>
        OverwriteMessageAsync(storage, sessionId, sequence, "{ not json");

    public override async Task OverwriteMessageAsync(IStorage storage, string sessionId, long sequence, string storedJson)
    {
        var sqlite = (SqliteStorage)storage;
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = sqlite.DbFile, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"UPDATE \"{sqlite.MessageTable}\" SET message = @message WHERE session_id = @session_id AND seq = @seq;";
        command.Parameters.AddWithValue("@message", storedJson);
        command.Parameters.AddWithValue("@session_id", sessionId);
        command.Parameters.AddWithValue("@seq", sequence);
        var changed = await command.ExecuteNonQueryAsync();
        if (changed != 1)
        {
            throw new InvalidOperationException($"Message {sequence} of session '{sessionId}' does not exist, so it cannot be corrupted.");
        }
    }

    public override ValueTask DisposeAsync()
    {
        // Storages are disposed first (their pools cleared), so no connection holds the files any more.
        try
        {
            if (System.IO.Directory.Exists(Directory))
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A leftover temp file is harmless; the test's result is what matters.
        }

        return base.DisposeAsync();
    }
}
