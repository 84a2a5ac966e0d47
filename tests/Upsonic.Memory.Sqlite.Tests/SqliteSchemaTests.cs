using Microsoft.Data.Sqlite;
using Upsonic.Storage;
using Upsonic.Storage.Sqlite;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Memory.Sqlite.Tests;

/// <summary>Tables, indexes, WAL mode and the schema version: created lazily or on demand, idempotently.</summary>
public sealed class SqliteSchemaTests : IAsyncLifetime
{
    private readonly SqliteTarget _target = new();
    private readonly List<SqliteStorage> _storages = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SqliteStorage Create()
    {
        var storage = new SqliteStorage(_target.NewDbFile());
        _storages.Add(storage);
        return storage;
    }

    private static string[] AllTables(SqliteStorage s) => [s.SessionTable, s.MessageTable, s.RunTable, s.SchemaTable, s.UserMemoryTable, s.KnowledgeTable];

    [Fact]
    public async Task Tables_do_not_exist_before_creation_and_exist_after_ensure_created_twice()
    {
        var storage = Create();
        foreach (var table in AllTables(storage))
        {
            Assert.False(await storage.TableExistsAsync(table, Ct), table);
        }

        await storage.EnsureCreatedAsync(Ct);
        await storage.EnsureCreatedAsync(Ct);
        await using (var another = new SqliteStorage(storage.DbFile))
        {
            await another.EnsureCreatedAsync(Ct);
        }

        foreach (var table in AllTables(storage))
        {
            Assert.True(await storage.TableExistsAsync(table, Ct), table);
        }

        Assert.False(await storage.TableExistsAsync("no_such_table", Ct));
    }

    [Fact]
    public async Task The_first_write_creates_the_tables()
    {
        var storage = Create();
        Assert.False(await storage.TableExistsAsync(storage.MessageTable, Ct));

        await storage.AppendRunAsync(Append("s1", Turn("r1", "hello")), Ct);

        Assert.True(await storage.TableExistsAsync(storage.MessageTable, Ct));
        Assert.Single((await storage.LoadSessionWindowAsync("s1", null, Ct))!.Turns);
    }

    [Fact]
    public async Task The_file_is_in_wal_mode()
    {
        var storage = Create();
        await storage.EnsureCreatedAsync(Ct);

        Assert.Equal("wal", await ScalarAsync(storage, "PRAGMA journal_mode;"));
    }

    [Fact]
    public async Task The_schema_version_row_is_written_once()
    {
        var storage = Create();
        await storage.EnsureCreatedAsync(Ct);
        await using (var another = new SqliteStorage(storage.DbFile))
        {
            await another.EnsureCreatedAsync(Ct);
        }

        Assert.Equal(1L, await ScalarAsync(storage, $"SELECT COUNT(*) FROM \"{storage.SchemaTable}\";"));
        Assert.Equal((long)SqliteSchema.Version, await ScalarAsync(storage, $"SELECT version FROM \"{storage.SchemaTable}\" WHERE component = '{SqliteSchema.Component}';"));
    }

    [Fact]
    public async Task A_session_table_with_the_python_sdk_layout_is_reported_not_misread()
    {
        var storage = Create();
        await using (var connection = new SqliteConnection(storage.ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE upsonic_sessions (session_id TEXT PRIMARY KEY, session_type TEXT NOT NULL, runs JSON, messages JSON, created_at BIGINT NOT NULL);";
            await command.ExecuteNonQueryAsync(Ct);
        }

        var ex = await Assert.ThrowsAsync<StorageException>(() => storage.GetSessionAsync("s1", cancellationToken: Ct));

        Assert.Equal("GetSession", ex.Operation);
        Assert.Contains("'upsonic_sessions'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(10, -1)]
    [InlineData(-1, 500)]
    [InlineData(10, 500)]
    public async Task The_window_statement_reads_messages_only_through_an_index(int turns, int budget)
    {
        var storage = Create();
        await storage.EnsureCreatedAsync(Ct);
        var sql = new SqliteCommands(new SqliteSchema(storage.SessionTable, storage.UserMemoryTable, storage.KnowledgeTable));
        var statements = sql.LoadWindow.Split(";\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(s => s.Length > 0).ToList();
        Assert.Equal(2, statements.Count);

        var plan = await PlanAsync(storage, statements[1], ("@session_id", "s1"), ("@turns", turns), ("@budget", budget), ("@epoch", 7L), ("@since", 5L));

        Assert.DoesNotContain($"SCAN {storage.MessageTable}", plan, StringComparison.Ordinal);
        Assert.DoesNotContain($"SCAN {storage.SessionTable}", plan, StringComparison.Ordinal);
        Assert.Contains($"idx_{storage.MessageTable}_history", plan, StringComparison.Ordinal);

        // The rows after a mark are a primary-key range; a search of the history index on the session alone (not the covering
        // MAX(turn) lookup) would read every history row of the session.
        Assert.Contains($"sqlite_autoindex_{storage.MessageTable}_1 (session_id=? AND seq>?)", plan, StringComparison.Ordinal);
        Assert.DoesNotContain($"USING INDEX idx_{storage.MessageTable}_history (session_id=? AND in_history=?)\n", plan + "\n", StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_version_1_file_is_migrated_once_with_token_counts_estimated_from_the_stored_text()
    {
        var storage = Create();
        await storage.AppendRunAsync(Append("s1", Turn("r1", "an old question")), Ct);
        await storage.AppendRunAsync(Append("s1", Turn("r2", "another old question " + new string('x', 100))), Ct);
        await ScalarAsync(storage, $"""
            ALTER TABLE "{storage.MessageTable}" DROP COLUMN tokens;
            ALTER TABLE "{storage.SessionTable}" DROP COLUMN history_epoch;
            UPDATE "{storage.SchemaTable}" SET version = 1;
            """);

        await using var reopened = new SqliteStorage(storage.DbFile);
        var window = await reopened.LoadSessionWindowAsync(new SessionWindowRequest { SessionId = "s1", HistoryTokenBudget = int.MaxValue }, Ct);
        var session = await reopened.GetSessionAsync("s1", cancellationToken: Ct);

        Assert.Equal((long)SqliteSchema.Version, await ScalarAsync(storage, $"SELECT version FROM \"{storage.SchemaTable}\";"));
        Assert.Equal(0L, await ScalarAsync(storage, $"SELECT COUNT(*) FROM \"{storage.MessageTable}\" WHERE tokens IS NULL;"));
        Assert.Equal(
            session!.Runs.Select(r => r.Messages.Sum(m => (long)Upsonic.Storage.Backends.MessageTokens.Estimate(m))),
            window!.Turns.Select(t => t.TokenCount));
        var next = await reopened.LoadSessionWindowAsync(new SessionWindowRequest { SessionId = "s1", Since = window.Mark }, Ct);
        Assert.True(next!.IsIncremental);
        Assert.Empty(next.Turns);
    }

    [Fact]
    public async Task A_version_2_file_loses_the_per_turn_indexes_it_no_longer_needs_and_still_reads_every_run_whole()
    {
        var storage = Create();
        await storage.AppendRunAsync(Append("s1", Turn("r1", "first")), Ct);
        await storage.AppendRunAsync(Append("s1", Turn("r2", "second"), addToHistory: false), Ct);
        await storage.AppendRunAsync(Append("s1", Turn("r3", "third")), Ct);
        await MakeVersion2Async(storage);

        await using var reopened = new SqliteStorage(storage.DbFile);
        await reopened.EnsureCreatedAsync(Ct);

        Assert.Equal((long)SqliteSchema.Version, await ScalarAsync(storage, $"SELECT version FROM \"{storage.SchemaTable}\";"));
        Assert.False(await IndexExistsAsync(storage, $"idx_{storage.MessageTable}_run"));
        Assert.False(await IndexExistsAsync(storage, $"idx_{storage.SessionTable}_updated_at"));
        Assert.Equal(["second", "answer to second"], (await reopened.GetRunAsync("s1", "r2", Ct))!.Messages.Select(m => m.Text));
        Assert.Equal(
            ["r2:second", "r2:answer to second", "r3:third", "r3:answer to third"],
            (await reopened.GetRunsAfterAsync("s1", 1, 10, Ct)).SelectMany(r => r.Messages.Select(m => r.RunId + ":" + m.Text)));
    }

    [Fact]
    public async Task Only_a_storage_that_expires_sessions_keeps_the_heads_updated_at_index_also_after_the_migration()
    {
        var plain = Create();
        await plain.EnsureCreatedAsync(Ct);
        await using var expiring = new SqliteStorage(_target.NewDbFile(), expire: 3600);
        await expiring.AppendRunAsync(Append("s1", Turn("r1", "first")), Ct);
        await MakeVersion2Async(expiring);
        await using var reopened = new SqliteStorage(expiring.DbFile, expire: 3600);
        await reopened.EnsureCreatedAsync(Ct);

        Assert.False(await IndexExistsAsync(plain, $"idx_{plain.SessionTable}_updated_at"));
        Assert.True(await IndexExistsAsync(expiring, $"idx_{expiring.SessionTable}_updated_at"));
        Assert.Equal((long)SqliteSchema.Version, await ScalarAsync(expiring, $"SELECT version FROM \"{expiring.SchemaTable}\";"));
        Assert.All((await reopened.DescribeSchemaAsync(Ct)).Objects, o => Assert.True(o.Exists, o.Name));
    }

    [Fact]
    public async Task A_run_s_messages_are_read_through_the_history_index_by_the_run_s_turn()
    {
        var storage = Create();
        await storage.EnsureCreatedAsync(Ct);
        var sql = new SqliteCommands(new SqliteSchema(storage.SessionTable, storage.UserMemoryTable, storage.KnowledgeTable));

        var one = await PlanAsync(storage, sql.SelectRunMessages, ("@session_id", "s1"), ("@turn", 3L), ("@run_id", "r3"));
        var many = await PlanAsync(storage, sql.SelectRunsMessages, ("@session_id", "s1"), ("@first_turn", 2L), ("@last_turn", 4L), ("@run_ids", "[\"r2\",\"r4\"]"));

        Assert.Contains($"idx_{storage.MessageTable}_history (session_id=? AND in_history=? AND turn=?)", one, StringComparison.Ordinal);
        Assert.Contains($"idx_{storage.MessageTable}_history (session_id=? AND in_history=? AND turn>? AND turn<?)", many, StringComparison.Ordinal);
        Assert.DoesNotContain($"SCAN {storage.MessageTable}", one + many, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Append_reads_the_head_and_the_run_by_primary_key()
    {
        var storage = Create();
        await storage.EnsureCreatedAsync(Ct);
        var sql = new SqliteCommands(new SqliteSchema(storage.SessionTable, storage.UserMemoryTable, storage.KnowledgeTable));

        var plan = await PlanAsync(storage, sql.AppendRead, ("@session_id", "s1"), ("@run_id", "r1"));

        Assert.Contains($"sqlite_autoindex_{storage.SessionTable}_1", plan, StringComparison.Ordinal);
        Assert.Contains($"sqlite_autoindex_{storage.RunTable}_1", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("SCAN", plan, StringComparison.Ordinal);
    }

    /// <summary>Gives a file the version-2 layout: the indexes version 3 dropped, and the version number.</summary>
    private static Task<object?> MakeVersion2Async(SqliteStorage storage) => ScalarAsync(storage, $"""
        CREATE INDEX IF NOT EXISTS "idx_{storage.MessageTable}_run" ON "{storage.MessageTable}" (session_id, run_id, seq);
        CREATE INDEX IF NOT EXISTS "idx_{storage.SessionTable}_updated_at" ON "{storage.SessionTable}" (updated_at);
        UPDATE "{storage.SchemaTable}" SET version = 2;
        """);

    private static async Task<bool> IndexExistsAsync(SqliteStorage storage, string name) =>
        (long)(await ScalarAsync(storage, $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = '{name}';"))! == 1;

    private static async Task<object?> ScalarAsync(SqliteStorage storage, string sql)
    {
        await using var connection = new SqliteConnection(storage.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(Ct);
    }

    private static async Task<string> PlanAsync(SqliteStorage storage, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new SqliteConnection(storage.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var details = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            details.Add(reader.GetString(3));
        }

        return string.Join("\n", details);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var storage in _storages)
        {
            await storage.DisposeAsync();
        }

        await _target.DisposeAsync();
    }
}
