using Microsoft.Data.Sqlite;
using Upsonic.Storage;
using Upsonic.Storage.Sqlite;

namespace Upsonic.Memory.Sqlite.Tests;

/// <summary>The constructor: upstream defaults, name validation, the database file and the connection string.</summary>
public sealed class SqliteStorageConstructionTests : IAsyncLifetime
{
    private readonly SqliteTarget _target = new();

    [Fact]
    public async Task Defaults_are_upsonic_db_in_the_current_directory_and_the_upstream_table_names()
    {
        // Constructing opens nothing, so the default file is not created by this test.
        await using var storage = new SqliteStorage();

        Assert.Equal(Path.GetFullPath("upsonic.db"), storage.DbFile);
        Assert.Equal("upsonic_sessions", storage.SessionTable);
        Assert.Equal("upsonic_user_memories", storage.UserMemoryTable);
        Assert.Equal("upsonic_knowledge", storage.KnowledgeTable);
        Assert.Equal("upsonic_sessions_messages", storage.MessageTable);
        Assert.Equal("upsonic_sessions_runs", storage.RunTable);
        Assert.Equal("upsonic_sessions_schema", storage.SchemaTable);
        Assert.True(Guid.TryParse(storage.Id, out _));
    }

    [Theory]
    [InlineData("sessionTable")]
    [InlineData("userMemoryTable")]
    [InlineData("knowledgeTable")]
    public void A_bad_table_name_is_an_argument_exception_naming_the_parameter(string parameter)
    {
        const string bad = "x\"; DROP TABLE t; --";
        var ex = Assert.Throws<ArgumentException>(() => parameter switch
        {
            "sessionTable" => new SqliteStorage(_target.NewDbFile(), sessionTable: bad),
            "userMemoryTable" => new SqliteStorage(_target.NewDbFile(), userMemoryTable: bad),
            _ => new SqliteStorage(_target.NewDbFile(), knowledgeTable: bad),
        });

        Assert.Equal(parameter, ex.ParamName);
    }

    [Fact]
    public void A_session_table_whose_derived_names_exceed_63_characters_is_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SqliteStorage(_target.NewDbFile(), sessionTable: new string('s', 55)));
        Assert.Equal("sessionTable", ex.ParamName);

        var longest = new SqliteStorage(_target.NewDbFile(), sessionTable: new string('s', 54));
        Assert.Equal(63, longest.MessageTable.Length);
    }

    [Fact]
    public void The_parent_directories_of_the_database_file_are_created()
    {
        var file = Path.Combine(_target.Directory, "nested", "deeper", "memory.db");

        var storage = new SqliteStorage(file);

        Assert.True(Directory.Exists(Path.GetDirectoryName(file)));
        Assert.Equal(file, storage.DbFile);
    }

    [Fact]
    public async Task A_connection_string_wins_over_the_database_file()
    {
        var file = _target.NewDbFile();
        var ignored = _target.NewDbFile();
        Directory.CreateDirectory(_target.Directory);
        await using var storage = new SqliteStorage(ignored, connectionString: $"Data Source={file}");

        await storage.UpsertSessionAsync(new AgentSession { SessionId = "s1" }, TestContext.Current.CancellationToken);

        Assert.Null(storage.DbFile);
        Assert.True(File.Exists(file));
        Assert.False(File.Exists(ignored));
    }

    [Fact]
    public void A_malformed_connection_string_is_rejected_without_echoing_it()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SqliteStorage(connectionString: "Data Source=x.db;Secret Token=hunter2"));

        Assert.Equal("connectionString", ex.ParamName);
        Assert.DoesNotContain("hunter2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_connection_string_with_a_password_is_rejected_at_construction_without_echoing_it()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SqliteStorage(connectionString: $"Data Source={_target.NewDbFile()};Password=hunter2"));
        Assert.Equal("connectionString", ex.ParamName);
        Assert.Contains("Password", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_parent_directory_that_cannot_be_created_is_a_storage_exception()
    {
        Directory.CreateDirectory(_target.Directory);
        var plainFile = Path.Combine(_target.Directory, "a-file");
        File.WriteAllText(plainFile, "not a directory");

        var ex = Assert.Throws<StorageException>(() => new SqliteStorage(Path.Combine(plainFile, "sub", "memory.db")));

        Assert.Equal("Open", ex.Operation);
        Assert.IsAssignableFrom<IOException>(ex.InnerException);
    }

    [Fact]
    public async Task An_engine_failure_is_a_storage_exception_naming_the_operation_and_record()
    {
        // A directory cannot be opened as a database file.
        Directory.CreateDirectory(_target.Directory);
        await using var storage = new SqliteStorage(connectionString: $"Data Source={_target.Directory};Mode=ReadWrite");

        var ex = await Assert.ThrowsAsync<StorageException>(() => storage.GetRunAsync("s1", "r1", TestContext.Current.CancellationToken));

        Assert.Equal("GetRun", ex.Operation);
        Assert.Equal("r1", ex.RecordId);
        Assert.IsType<SqliteException>(ex.InnerException);
        Assert.DoesNotContain("Data Source", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        return _target.DisposeAsync();
    }
}
