using MongoDB.Bson;
using MongoDB.Driver;
using Upsonic.Storage;
using Upsonic.Storage.Mongo;
using Upsonic.Testing.Storage;

namespace Upsonic.Memory.Mongo.Tests.Live;

/// <summary>
/// Runs the shared suites against a real MongoDB server given by <c>MONGODB_URI</c>: every storage gets its own database,
/// dropped when the test ends. Without <c>MONGODB_URI</c> the tests skip (see <see cref="SkipReason"/>).
/// </summary>
/// <remarks>
/// This is the one documented exception to "a missing server fails under CI=true": no MongoDB server can be installed on the
/// build machines (it is in neither Debian's archive nor the package registries they reach), so the live suite runs wherever a
/// server is given, and every run without one says so in its output.
/// </remarks>
public sealed class MongoTarget : StorageTarget
{
    /// <summary>The environment variable that names the server.</summary>
    public const string UriVariable = "MONGODB_URI";

    /// <summary>Why the live tests skip, and the one command that runs them.</summary>
    public const string SkipReason =
        "Live MongoDB suite skipped: MONGODB_URI is not set (no MongoDB server can be installed on this machine). " +
        "Run: MONGODB_URI=mongodb://127.0.0.1:27017 dotnet test tests/Upsonic.Memory.Mongo.Tests";

    private readonly List<string> _databases = [];
    private MongoClient? _admin;

    /// <summary>The server's connection string, or null when none is given.</summary>
    public static string? Uri => Environment.GetEnvironmentVariable(UriVariable) is { Length: > 0 } uri ? uri : null;

    /// <inheritdoc />
    public override string Name => "mongo";

    /// <inheritdoc />
    public override Task<IStorage> CreateAsync() => CreateNamedAsync(null, null, null, null);

    /// <inheritdoc />
    public override Task<IStorage> CreateNamedAsync(string? sessionTable, string? userMemoryTable, string? knowledgeTable, string? id)
    {
        var uri = RequireServer();
        var database = $"upsonic_test_{Guid.NewGuid():N}"[..40];
        _databases.Add(database);
        return Task.FromResult<IStorage>(new MongoStorage(uri, database, sessionTable, userMemoryTable, knowledgeTable, id));
    }

    /// <summary>A second storage with its own client (own connection pool), as another process would open it.</summary>
    public override Task<IStorage> OpenAnotherAsync(IStorage storage)
    {
        var mongo = (MongoStorage)storage;
        return Task.FromResult<IStorage>(new MongoStorage(RequireServer(), mongo.DbName, mongo.SessionTable, mongo.UserMemoryTable, mongo.KnowledgeTable));
    }

    /// <summary>Overwrites the stored message text with a raw update, bypassing the storage.</summary>
    public override async Task CorruptMessageAsync(IStorage storage, string sessionId, long sequence)
    {
        var mongo = (MongoStorage)storage;
        var result = await Admin().GetDatabase(mongo.DbName).GetCollection<BsonDocument>(mongo.MessageCollection).UpdateOneAsync(
            MessageDefinitions.ByKey(sessionId, sequence), Builders<BsonDocument>.Update.Set(MessageDocuments.Message, "{ not json"));
        Assert.Equal(1, result.MatchedCount);
    }

    /// <summary>Drops every database this target created.</summary>
    public override async ValueTask DisposeAsync()
    {
        if (_admin is not null)
        {
            foreach (var database in _databases)
            {
                await _admin.DropDatabaseAsync(database);
            }

            _admin.Dispose();
        }

        await base.DisposeAsync();
    }

    private MongoClient Admin() => _admin ??= new MongoClient(RequireServer());

    private string RequireServer()
    {
        if (Uri is not { } uri)
        {
            Assert.Skip(SkipReason);
            throw new System.Diagnostics.UnreachableException();
        }

        _admin ??= new MongoClient(uri);
        return uri;
    }
}
