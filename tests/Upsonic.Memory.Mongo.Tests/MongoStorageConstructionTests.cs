using System.Net;
using System.Net.Sockets;
using MongoDB.Driver;
using Upsonic.Storage;
using Upsonic.Storage.Mongo;

namespace Upsonic.Memory.Mongo.Tests;

public sealed class MongoStorageConstructionTests
{
    private const string Url = "mongodb://127.0.0.1:27017";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_missing_connection_string_is_an_argument_exception_naming_it(string? url) =>
        Assert.Equal("dbUrl", Assert.Throws<ArgumentException>(() => new MongoStorage(url!)).ParamName);

    [Fact]
    public void An_invalid_connection_string_is_rejected_without_echoing_it()
    {
        var error = Assert.Throws<ArgumentException>(() => new MongoStorage("http://user:hunter2@host"));
        Assert.Equal("dbUrl", error.ParamName);
        Assert.DoesNotContain("hunter2", error.Message);
    }

    [Fact]
    public void A_missing_client_is_an_argument_exception_naming_it() =>
        Assert.Equal("dbClient", Assert.Throws<ArgumentException>(() => new MongoStorage((IMongoClient)null!)).ParamName);

    [Theory]
    [InlineData("bad-name", null, null, null, "dbName")]
    [InlineData("upsonic", "bad.name", null, null, "sessionCollection")]
    [InlineData("upsonic", null, "$bad", null, "userMemoryCollection")]
    [InlineData("upsonic", null, null, "1bad", "knowledgeCollection")]
    public void Invalid_names_are_argument_exceptions_naming_the_parameter(string dbName, string? sessions, string? memories, string? knowledge, string parameter) =>
        Assert.Equal(parameter, Assert.Throws<ArgumentException>(() => new MongoStorage(Url, dbName, sessions, memories, knowledge)).ParamName);

    [Fact]
    public async Task Defaults_name_the_database_and_every_collection()
    {
        await using var storage = new MongoStorage(Url);
        Assert.Equal(("upsonic", "upsonic_sessions", "upsonic_user_memories", "upsonic_knowledge"),
            (storage.DbName, storage.SessionTable, storage.UserMemoryTable, storage.KnowledgeTable));
        Assert.Equal(("upsonic_sessions_messages", "upsonic_sessions_runs", "upsonic_sessions_schema"),
            (storage.MessageCollection, storage.RunCollection, storage.SchemaCollection));
        Assert.Equal("upsonic", storage.Database.DatabaseNamespace.DatabaseName);
        Assert.True(Guid.TryParse(storage.Id, out _));
    }

    [Fact]
    public async Task Chosen_names_and_id_are_used()
    {
        await using var storage = new MongoStorage(Url, "app_db", "chats", "profiles", "docs", "store-1");
        Assert.Equal(("app_db", "chats", "chats_messages", "chats_runs", "profiles", "docs", "store-1"),
            (storage.DbName, storage.SessionCollection, storage.MessageCollection, storage.RunCollection, storage.UserMemoryCollection, storage.KnowledgeCollection, storage.Id));
    }

    [Fact]
    public async Task A_connection_string_without_a_selection_timeout_gets_the_short_default()
    {
        await using var storage = new MongoStorage(Url);
        Assert.Equal(MongoStorage.DefaultServerSelectionTimeout, ((MongoClient)storage.DbClient).Settings.ServerSelectionTimeout);

        await using var chosen = new MongoStorage(Url + "/?serverSelectionTimeoutMS=1234");
        Assert.Equal(TimeSpan.FromMilliseconds(1234), ((MongoClient)chosen.DbClient).Settings.ServerSelectionTimeout);
    }

    [Fact]
    public async Task A_given_client_is_used_and_not_disposed()
    {
        using var client = new MongoClient(Url);
        var storage = new MongoStorage(client, "db1");
        await storage.DisposeAsync();
        Assert.Same(client, storage.DbClient);
        Assert.Equal("db1", client.GetDatabase("db1").DatabaseNamespace.DatabaseName); // still usable
    }

    [Fact]
    public async Task An_unreachable_server_fails_fast_with_a_storage_exception_that_hides_the_password()
    {
        var url = $"mongodb://app:s3cret-pw@127.0.0.1:{ClosedPort()}/?serverSelectionTimeoutMS=1000&connectTimeoutMS=1000";
        await using var storage = new MongoStorage(url); // constructing does not connect

        var error = await Assert.ThrowsAsync<StorageException>(() => storage.GetSessionAsync("s-1", cancellationToken: Ct));

        Assert.Equal("GetSession", error.Operation);
        Assert.Equal("s-1", error.RecordId);
        Assert.DoesNotContain("s3cret-pw", error.Message);
        Assert.IsAssignableFrom<TimeoutException>(error.InnerException);

        // Every kind of operation reaches the server (none is a silent no-op), so each fails the same way.
        await Assert.ThrowsAsync<StorageException>(() => storage.DeleteSessionAsync("s-1", Ct));
        await Assert.ThrowsAsync<StorageException>(() => storage.ClearAllAsync(Ct));
    }

    [Fact]
    public async Task Bad_input_is_rejected_before_any_server_is_contacted()
    {
        await using var storage = new MongoStorage($"mongodb://127.0.0.1:{ClosedPort()}/?serverSelectionTimeoutMS=1000");
        await Assert.ThrowsAsync<ArgumentException>(() => storage.DeleteSessionAsync(" ", Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => storage.DeleteSessionsAsync([], Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => storage.DeleteUserMemoriesAsync([], Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => storage.LoadSessionWindowAsync("s", -1, Ct));
        Assert.Equal(0, await storage.DeleteKnowledgeContentsAsync([], Ct));
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
