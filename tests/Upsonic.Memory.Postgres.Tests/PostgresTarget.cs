using Npgsql;
using Upsonic.Storage;
using Upsonic.Storage.Postgres;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Postgres.Tests;

/// <summary>
/// Runs the shared suites against <see cref="PostgresStorage"/> on the server in <c>UPSONIC_TEST_POSTGRES</c>: every storage gets
/// its own schema (<c>t_&lt;guid&gt;</c>), dropped with CASCADE when the test ends.
/// </summary>
public sealed class PostgresTarget : StorageTarget
{
    private readonly List<string> _schemas = [];

    /// <summary>JSONB orders object keys by length, then bytes: metadata and profiles keep their content, not their key order.</summary>
    public override bool PreservesKeyOrder => false;
    private string? _connectionString;

    /// <inheritdoc />
    public override string Name => "postgres";

    /// <inheritdoc />
    public override Task<IStorage> CreateAsync() => CreateNamedAsync(null, null, null, null);

    /// <inheritdoc />
    public override async Task<IStorage> CreateNamedAsync(string? sessionTable, string? userMemoryTable, string? knowledgeTable, string? id)
    {
        _connectionString ??= await PostgresTestServer.ConnectionStringAsync();
        var schema = NewSchemaName();
        _schemas.Add(schema);
        return new PostgresStorage(_connectionString, schema, createSchema: true, sessionTable, userMemoryTable, knowledgeTable, id);
    }

    /// <inheritdoc />
    public override async Task<IStorage> CreateExpiringAsync(int? expire, TimeProvider timeProvider)
    {
        _connectionString ??= await PostgresTestServer.ConnectionStringAsync();
        var schema = NewSchemaName();
        _schemas.Add(schema);
        return new PostgresStorage(_connectionString, schema, createSchema: true, expire: expire, timeProvider: timeProvider);
    }

    /// <summary>Every row of every table in the storage's schema, each as JSON (<c>row_to_json</c>).</summary>
    public override async Task<IReadOnlyList<string>> ReadRawContentsAsync(IStorage storage)
    {
        var schema = ((PostgresStorage)storage).DbSchema;
        await using var dataSource = NpgsqlDataSource.Create(_connectionString!);
        var tables = new List<string>();
        await using (var list = dataSource.CreateCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = $1"))
        {
            list.Parameters.Add(new NpgsqlParameter { Value = schema });
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var rows = new List<string>();
        foreach (var table in tables)
        {
            await using var select = dataSource.CreateCommand($"SELECT row_to_json(t)::text FROM \"{schema}\".\"{table}\" AS t");
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add(table + ": " + reader.GetString(0));
            }
        }

        return rows;
    }

    /// <inheritdoc />
    public override Task DeleteMessageRowAsync(IStorage storage, string sessionId, long sequence) =>
        ExecuteOneAsync($"DELETE FROM {Table(storage, ((PostgresStorage)storage).MessageTable)} WHERE session_id = $1 AND seq = $2", sessionId, sequence);

    /// <inheritdoc />
    public override Task OverwriteSessionUpdatedAtAsync(IStorage storage, string sessionId, long unixMilliseconds) =>
        ExecuteOneAsync($"UPDATE {Table(storage, ((PostgresStorage)storage).SessionTable)} SET updated_at = $2 WHERE session_id = $1", sessionId, unixMilliseconds);

    /// <summary>Stores <paramref name="storedProfileJson"/> as the user's JSONB profile. JSONB keeps only the last of duplicate keys,
    /// so a profile with a duplicate key cannot be held: those tests skip.</summary>
    public override Task OverwriteProfileAsync(IStorage storage, string userId, string storedProfileJson)
    {
        try
        {
            using var strict = System.Text.Json.JsonDocument.Parse(storedProfileJson, new System.Text.Json.JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (System.Text.Json.JsonException)
        {
            Assert.Skip("PostgreSQL stores profiles as JSONB, which keeps only the last of duplicate keys and rejects text that is not JSON.");
        }

        return ExecuteOneAsync($"UPDATE {Table(storage, ((PostgresStorage)storage).UserMemoryTable)} SET user_memory = $2::jsonb WHERE user_id = $1", userId, storedProfileJson);
    }

    private static string Table(IStorage storage, string table) => $"\"{((PostgresStorage)storage).DbSchema}\".\"{table}\"";

    /// <summary>Runs one statement outside the storage API and asserts it changed exactly one row.</summary>
    private async Task ExecuteOneAsync(string sql, params object[] values)
    {
        await using var dataSource = NpgsqlDataSource.Create(_connectionString!);
        await using var command = dataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    /// <inheritdoc />
    public override Task<IStorage> OpenWithOtherTablesAsync(IStorage storage, string sessionTable, string userMemoryTable, string knowledgeTable) =>
        Task.FromResult<IStorage>(new PostgresStorage(
            _connectionString!, ((PostgresStorage)storage).DbSchema, createSchema: true, sessionTable, userMemoryTable, knowledgeTable));

    /// <inheritdoc />
    public override Task<IStorage> OpenAnotherAsync(IStorage storage)
    {
        // A new storage with its own data source (own pool), as another process would have.
        var postgres = (PostgresStorage)storage;
        return Task.FromResult<IStorage>(new PostgresStorage(
            _connectionString!, postgres.DbSchema, createSchema: true, postgres.SessionTable, postgres.UserMemoryTable, postgres.KnowledgeTable));
    }

    /// <inheritdoc />
    public override Task CorruptMessageAsync(IStorage storage, string sessionId, long sequence) =>
        OverwriteMessageAsync(storage, sessionId, sequence, "{ not json");

    public override async Task OverwriteMessageAsync(IStorage storage, string sessionId, long sequence, string storedJson)
    {
        var postgres = (PostgresStorage)storage;
        await using var dataSource = NpgsqlDataSource.Create(_connectionString!);
        await using var command = dataSource.CreateCommand(
            $"UPDATE \"{postgres.DbSchema}\".\"{postgres.MessageTable}\" SET message = $3 WHERE session_id = $1 AND seq = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = sessionId });
        command.Parameters.Add(new NpgsqlParameter { Value = sequence });
        command.Parameters.Add(new NpgsqlParameter { Value = storedJson });
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    /// <summary>A unique schema name, valid and within PostgreSQL's 63-character limit.</summary>
    public static string NewSchemaName() => ("t_" + Guid.NewGuid().ToString("N"))[..Math.Min(34, StorageNames.MaxLength)];

    /// <summary>Drops the schemas this target created.</summary>
    public override async ValueTask DisposeAsync()
    {
        if (_connectionString is not null && _schemas.Count > 0)
        {
            await using var dataSource = NpgsqlDataSource.Create(_connectionString);
            foreach (var schema in _schemas)
            {
                await using var command = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
                await command.ExecuteNonQueryAsync();
            }
        }

        await base.DisposeAsync();
    }
}
