using Npgsql;
using Upsonic.Storage;
using Upsonic.Storage.Postgres;

namespace Upsonic.Memory.Postgres.Tests;

/// <summary>Constructor arguments: what is required, which names are accepted, and what the storage exposes. No server needed.</summary>
public sealed class PostgresStorageConstructionTests
{
    private const string Url = "postgresql://user:secret@127.0.0.1:5439/db";

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_missing_url_is_an_argument_exception_naming_it(string? url)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new PostgresStorage(url!));
        Assert.Equal("dbUrl", ex.ParamName);
    }

    [Fact]
    public void A_missing_data_source_is_an_argument_exception_naming_it()
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new PostgresStorage((NpgsqlDataSource)null!));
        Assert.Equal("dataSource", ex.ParamName);
    }

    [Theory]
    [InlineData("bad-name")]
    [InlineData("x\"; DROP SCHEMA public; --")]
    [InlineData("1starts_with_digit")]
    public void An_invalid_schema_name_is_rejected_at_construction(string schema)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new PostgresStorage(Url, schema));
        Assert.Equal("dbSchema", ex.ParamName);
    }

    [Fact]
    public void An_invalid_table_name_is_rejected_with_its_parameter_name()
    {
        Assert.Equal("sessionTable", Assert.ThrowsAny<ArgumentException>(() => new PostgresStorage(Url, sessionTable: "a b")).ParamName);
        Assert.Equal("userMemoryTable", Assert.ThrowsAny<ArgumentException>(() => new PostgresStorage(Url, userMemoryTable: "a.b")).ParamName);
        Assert.Equal("knowledgeTable", Assert.ThrowsAny<ArgumentException>(() => new PostgresStorage(Url, knowledgeTable: new string('k', 64))).ParamName);
    }

    [Fact]
    public async Task Names_and_id_are_exposed_with_upstream_defaults()
    {
        await using var storage = new PostgresStorage(Url, id: "pg-1");
        Assert.Equal("public", storage.DbSchema);
        Assert.Equal("upsonic_sessions", storage.SessionTable);
        Assert.Equal("upsonic_sessions_messages", storage.MessageTable);
        Assert.Equal("upsonic_sessions_runs", storage.RunTable);
        Assert.Equal("upsonic_user_memories", storage.UserMemoryTable);
        Assert.Equal("upsonic_knowledge", storage.KnowledgeTable);
        Assert.Equal("pg-1", storage.Id);
        Assert.True(storage.CreateSchema);
    }

    [Fact]
    public async Task Derived_table_names_stay_within_the_identifier_limit_and_distinct()
    {
        var longName = new string('s', StorageNames.MaxLength);
        await using var storage = new PostgresStorage(Url, sessionTable: longName);
        Assert.True(storage.MessageTable.Length <= StorageNames.MaxLength);
        Assert.True(storage.RunTable.Length <= StorageNames.MaxLength);
        Assert.NotEqual(storage.MessageTable, storage.RunTable);
        Assert.EndsWith("_messages", storage.MessageTable, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_given_data_source_is_not_disposed_with_the_storage()
    {
        await using var dataSource = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Username=u;Database=d");
        var storage = new PostgresStorage(dataSource, "my_schema");
        await storage.DisposeAsync();

        await using var connection = dataSource.CreateConnection(); // throws ObjectDisposedException once the source is disposed
        Assert.Equal("my_schema", storage.DbSchema);
    }

    [Fact]
    public async Task A_storage_built_from_a_url_disposes_its_own_pool()
    {
        var storage = new PostgresStorage("Host=127.0.0.1;Port=1;Username=u;Database=d");
        await storage.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => storage.GetSessionAsync("s1", cancellationToken: TestContext.Current.CancellationToken));
    }
}
