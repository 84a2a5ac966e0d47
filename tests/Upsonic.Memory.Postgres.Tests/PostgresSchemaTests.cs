using Npgsql;
using Upsonic.Storage;
using Upsonic.Storage.Postgres;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Memory.Postgres.Tests;

/// <summary>Schema and table creation on a real server: the schema option, TableExists, quoting, idempotent DDL.</summary>
public sealed class PostgresSchemaTests : IAsyncLifetime
{
    private readonly PostgresTarget _target = new();
    private readonly List<PostgresStorage> _storages = [];
    private string _connectionString = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _connectionString = await PostgresTestServer.ConnectionStringAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var storage in _storages)
        {
            await storage.DisposeAsync();
        }

        await _target.DisposeAsync();
    }

    private async Task<PostgresStorage> CreateAsync(string? sessionTable = null) =>
        Track((PostgresStorage)await _target.CreateNamedAsync(sessionTable, null, null, null));

    private PostgresStorage Track(PostgresStorage storage)
    {
        _storages.Add(storage);
        return storage;
    }

    private async Task<T> ScalarAsync<T>(string sql, params object[] values)
    {
        await using var dataSource = NpgsqlDataSource.Create(_connectionString);
        await using var command = dataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return (T)(await command.ExecuteScalarAsync(Ct))!;
    }

    [Fact]
    public async Task Tables_do_not_exist_before_first_use_and_exist_after_EnsureCreated()
    {
        var storage = await CreateAsync();
        Assert.False(await storage.TableExistsAsync(storage.SessionTable, Ct));

        await storage.EnsureCreatedAsync(Ct);

        foreach (var table in new[] { storage.SessionTable, storage.MessageTable, storage.RunTable, storage.UserMemoryTable, storage.KnowledgeTable })
        {
            Assert.True(await storage.TableExistsAsync(table, Ct), table);
        }

        Assert.False(await storage.TableExistsAsync("no_such_table", Ct));
    }

    [Fact]
    public async Task The_tables_are_created_in_the_configured_non_public_schema()
    {
        var storage = await CreateAsync();
        await storage.AppendRunAsync(Append("s1", Turn("r1", "hello")), Ct);

        var schemas = await ScalarAsync<long>("SELECT count(*) FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2", storage.DbSchema, storage.SessionTable);
        var inPublic = await ScalarAsync<long>("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = $1", storage.SessionTable);
        Assert.Equal(1, schemas);
        Assert.Equal(0, inPublic);
    }

    [Fact]
    public async Task A_missing_schema_is_not_created_when_createSchema_is_false()
    {
        var schema = PostgresTarget.NewSchemaName();
        await using var storage = new PostgresStorage(_connectionString, schema, createSchema: false);

        var ex = await Assert.ThrowsAsync<StorageException>(() => storage.EnsureCreatedAsync(Ct));
        Assert.Equal("EnsureCreated", ex.Operation);
        Assert.IsType<PostgresException>(ex.InnerException);
        Assert.DoesNotContain("Password", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_mixed_case_table_name_is_quoted_and_kept_exactly()
    {
        var storage = await CreateAsync("MySessions");
        await storage.AppendRunAsync(Append("s1", Turn("r1", "hello")), Ct);

        Assert.True(await storage.TableExistsAsync("MySessions", Ct));
        Assert.True(await storage.TableExistsAsync("MySessions_messages", Ct));
        Assert.False(await storage.TableExistsAsync("mysessions", Ct));
        var window = await storage.LoadSessionWindowAsync("s1", null, Ct);
        Assert.Equal("hello", Assert.Single(window!.Turns).Messages[0].Text);
    }

    [Fact]
    public async Task Creation_is_idempotent_across_instances_running_at_the_same_time()
    {
        var first = await CreateAsync();
        var others = Enumerable.Range(0, 4)
            .Select(_ => Track(new PostgresStorage(_connectionString, first.DbSchema)))
            .Prepend(first)
            .ToList();

        await Task.WhenAll(others.Select(s => s.EnsureCreatedAsync(Ct)));
        await first.EnsureCreatedAsync(Ct);

        Assert.Equal(PostgresSchema.LayoutVersion, await ScalarAsync<int>($"SELECT version FROM \"{first.DbSchema}\".\"upsonic_sessions_schema_version\" WHERE component = 'layout'"));
    }

    [Fact]
    public async Task Only_a_storage_that_expires_sessions_keeps_the_heads_updated_at_index_and_the_schema_report_says_so()
    {
        var storage = await CreateAsync();
        await storage.EnsureCreatedAsync(Ct);
        var schema = storage.DbSchema;
        const string Count = "SELECT count(*) FROM pg_indexes WHERE schemaname = $1 AND indexname = 'upsonic_sessions_updated_idx'";
        var before = await ScalarAsync<long>(Count, schema);
        var beforeReport = await storage.DescribeSchemaAsync(Ct);

        var expiring = Track(new PostgresStorage(_connectionString, schema, expire: 3600));
        await expiring.EnsureCreatedAsync(Ct);
        await expiring.AppendRunAsync(Append("s1", Turn("r1", "hi")), Ct);
        var report = await expiring.DescribeSchemaAsync(Ct);

        Assert.Equal(0L, before);
        Assert.DoesNotContain(beforeReport.Objects, o => o.Name == "upsonic_sessions_updated_idx");
        Assert.True(beforeReport.IsComplete);
        Assert.Equal(1L, await ScalarAsync<long>(Count, schema));
        Assert.Contains(report.Objects, o => o.Kind == "index" && o.Name == "upsonic_sessions_updated_idx" && o.Exists);
    }

    [Fact]
    public async Task A_layout_2_database_loses_the_run_index_of_messages_and_the_heads_updated_at_index_and_still_reads_every_run_whole()
    {
        var storage = await CreateAsync();
        await storage.AppendRunAsync(Append("s1", Turn("r1", "first")), Ct);
        await storage.AppendRunAsync(Append("s1", Turn("r2", "second"), addToHistory: false), Ct);
        await storage.AppendRunAsync(Append("s1", Turn("r3", "third")), Ct);
        var schema = storage.DbSchema;
        await ScalarAsync<int>($"""
            CREATE INDEX "upsonic_sessions_messages_run_idx" ON "{schema}"."upsonic_sessions_messages" (session_id, run_id, seq);
            CREATE INDEX "upsonic_sessions_updated_idx" ON "{schema}"."upsonic_sessions" (updated_at);
            UPDATE "{schema}"."upsonic_sessions_schema_version" SET version = 2 WHERE component = 'layout';
            SELECT 1;
            """);

        var reopened = Track(new PostgresStorage(_connectionString, schema));
        await reopened.EnsureCreatedAsync(Ct);

        Assert.Equal(PostgresSchema.LayoutVersion, await ScalarAsync<int>($"SELECT version FROM \"{schema}\".\"upsonic_sessions_schema_version\" WHERE component = 'layout'"));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM pg_indexes WHERE schemaname = $1 AND indexname = 'upsonic_sessions_messages_run_idx'", schema));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM pg_indexes WHERE schemaname = $1 AND indexname = 'upsonic_sessions_updated_idx'", schema));
        Assert.Equal(["second", "answer to second"], (await reopened.GetRunAsync("s1", "r2", Ct))!.Messages.Select(m => m.Text));
        Assert.Equal(["first", "answer to first"], (await reopened.FindRunAsync("r1", cancellationToken: Ct))!.Messages.Select(m => m.Text));
        Assert.Equal(
            ["r2:second", "r2:answer to second", "r3:third", "r3:answer to third"],
            (await reopened.GetRunsAfterAsync("s1", 1, 10, Ct)).SelectMany(r => r.Messages.Select(m => r.RunId + ":" + m.Text)));
    }

    [Fact]
    public async Task A_layout_3_database_loses_the_foreign_keys_of_its_rows_and_a_delete_still_removes_every_row_of_the_session()
    {
        var storage = await CreateAsync();
        await storage.AppendRunAsync(Append("s1", Turn("r1", "first")), Ct);
        await storage.AppendRunAsync(Append("s2", Turn("r1", "other")), Ct);
        var schema = storage.DbSchema;
        const string ForeignKeys = "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = $1::regnamespace";
        Assert.Equal(0L, await ScalarAsync<long>(ForeignKeys, schema));
        await ScalarAsync<int>($"""
            ALTER TABLE "{schema}"."upsonic_sessions_messages" ADD FOREIGN KEY (session_id) REFERENCES "{schema}"."upsonic_sessions" (session_id) ON DELETE CASCADE;
            ALTER TABLE "{schema}"."upsonic_sessions_runs" ADD FOREIGN KEY (session_id) REFERENCES "{schema}"."upsonic_sessions" (session_id) ON DELETE CASCADE;
            UPDATE "{schema}"."upsonic_sessions_schema_version" SET version = 3 WHERE component = 'layout';
            SELECT 1;
            """);
        Assert.Equal(2L, await ScalarAsync<long>(ForeignKeys, schema));

        var reopened = Track(new PostgresStorage(_connectionString, schema));
        await reopened.EnsureCreatedAsync(Ct);
        Assert.True(await reopened.DeleteSessionAsync("s1", Ct));

        Assert.Equal(4, await ScalarAsync<int>($"SELECT version FROM \"{schema}\".\"upsonic_sessions_schema_version\" WHERE component = 'layout'"));
        Assert.Equal(0L, await ScalarAsync<long>(ForeignKeys, schema));
        Assert.Equal(0L, await ScalarAsync<long>($"SELECT count(*) FROM \"{schema}\".\"upsonic_sessions_messages\" WHERE session_id = 's1'"));
        Assert.Equal(0L, await ScalarAsync<long>($"SELECT count(*) FROM \"{schema}\".\"upsonic_sessions_runs\" WHERE session_id = 's1'"));
        Assert.Equal(["other", "answer to other"], (await reopened.GetSessionAsync("s2", cancellationToken: Ct))!.Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task Identifiers_and_values_never_mix_a_hostile_id_is_stored_literally()
    {
        var storage = await CreateAsync();
        const string hostile = "x'); DROP TABLE upsonic_sessions; --\"";
        await storage.AppendRunAsync(Append(hostile, Turn("r1", "hello")), Ct);

        Assert.NotNull(await storage.GetSessionAsync(hostile, cancellationToken: Ct));
        Assert.True(await storage.TableExistsAsync(storage.SessionTable, Ct));
    }
}
