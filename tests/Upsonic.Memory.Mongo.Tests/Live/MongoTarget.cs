using MongoDB.Bson;
using MongoDB.Driver;
using Upsonic.Storage;
using Upsonic.Storage.Mongo;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Mongo.Tests.Live;

/// <summary>
/// Runs the shared suites against the server of <see cref="MongoTestServer"/>: every storage gets its own database, removed when
/// the test ends (dropped on MongoDB; emptied collection by collection on the stand-in, which has no <c>dropDatabase</c>).
/// </summary>
public sealed class MongoTarget : StorageTarget
{
    /// <inheritdoc />
    public override bool ServesIncrementalWindows => false;

    private readonly List<MongoStorage> _created = [];
    private MongoClient? _admin;

    /// <inheritdoc />
    public override string Name => "mongo";

    /// <inheritdoc />
    public override (string Session, string UserMemory, string Knowledge) TableParameterNames =>
        ("sessionCollection", "userMemoryCollection", "knowledgeCollection");

    /// <inheritdoc />
    public override Task<IStorage> CreateAsync() => CreateNamedAsync(null, null, null, null);

    /// <inheritdoc />
    public override Task<IStorage> CreateNamedAsync(string? sessionTable, string? userMemoryTable, string? knowledgeTable, string? id)
    {
        var uri = RequireServer();
        var database = $"upsonic_test_{Guid.NewGuid():N}"[..40];
        var storage = new MongoStorage(uri, database, sessionTable, userMemoryTable, knowledgeTable, id);
        _created.Add(storage);
        return Task.FromResult<IStorage>(storage);
    }

    /// <inheritdoc />
    public override Task<IStorage> CreateExpiringAsync(int? expire, TimeProvider timeProvider)
    {
        var uri = RequireServer();
        var storage = new MongoStorage(uri, $"upsonic_test_{Guid.NewGuid():N}"[..40], expire: expire, timeProvider: timeProvider);
        _created.Add(storage);
        return Task.FromResult<IStorage>(storage);
    }

    /// <summary>Every document of every collection the storage uses, as relaxed extended JSON. The collections are named rather than
    /// listed because the stand-in server lacks <c>listCollections</c>; each storage has its own database, so nothing else is there.</summary>
    public override async Task<IReadOnlyList<string>> ReadRawContentsAsync(IStorage storage)
    {
        var mongo = (MongoStorage)storage;
        var database = Admin().GetDatabase(mongo.DbName);
        var documents = new List<string>();
        foreach (var name in new[] { mongo.SessionCollection, mongo.MessageCollection, mongo.RunCollection, mongo.SchemaCollection, mongo.UserMemoryCollection, mongo.KnowledgeCollection })
        {
            foreach (var document in await database.GetCollection<BsonDocument>(name).Find(FilterDefinition<BsonDocument>.Empty).ToListAsync())
            {
                documents.Add(name + ": " + document.ToJson(new MongoDB.Bson.IO.JsonWriterSettings { OutputMode = MongoDB.Bson.IO.JsonOutputMode.RelaxedExtendedJson }));
            }
        }

        return documents;
    }

    /// <inheritdoc />
    public override async Task DeleteMessageRowAsync(IStorage storage, string sessionId, long sequence)
    {
        var mongo = (MongoStorage)storage;
        var filter = Builders<BsonDocument>.Filter.And(
            Builders<BsonDocument>.Filter.Eq("session_id", sessionId), Builders<BsonDocument>.Filter.Eq("seq", sequence));
        var result = await Admin().GetDatabase(mongo.DbName).GetCollection<BsonDocument>(mongo.MessageCollection).DeleteOneAsync(filter);
        Assert.Equal(1, result.DeletedCount);
    }

    /// <summary>Sets the head's <c>updated_at</c> to a BSON date of <paramref name="unixMilliseconds"/> (BSON dates hold any 64-bit value).</summary>
    public override async Task OverwriteSessionUpdatedAtAsync(IStorage storage, string sessionId, long unixMilliseconds)
    {
        var mongo = (MongoStorage)storage;
        var result = await Admin().GetDatabase(mongo.DbName).GetCollection<BsonDocument>(mongo.SessionCollection).UpdateOneAsync(
            Builders<BsonDocument>.Filter.Eq("_id", sessionId), Builders<BsonDocument>.Update.Set("updated_at", new BsonDateTime(unixMilliseconds)));
        Assert.Equal(1, result.MatchedCount);
    }

    /// <summary>Stores <paramref name="storedProfileJson"/> as the user's profile value, converted to BSON (a JSON array becomes a BSON
    /// array, which is not a profile document). This target does not write BSON with duplicate field names: those tests skip.</summary>
    public override async Task OverwriteProfileAsync(IStorage storage, string userId, string storedProfileJson)
    {
        try
        {
            using var strict = System.Text.Json.JsonDocument.Parse(storedProfileJson, new System.Text.Json.JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (System.Text.Json.JsonException)
        {
            Assert.Skip("MongoDB stores profiles as BSON documents; this target does not write one with duplicate field names or text that is not JSON.");
        }

        var mongo = (MongoStorage)storage;
        var value = BsonDocument.Parse("{\"v\": " + storedProfileJson + "}")["v"];
        var result = await Admin().GetDatabase(mongo.DbName).GetCollection<BsonDocument>(mongo.UserMemoryCollection).UpdateOneAsync(
            Builders<BsonDocument>.Filter.Eq("_id", userId), Builders<BsonDocument>.Update.Set("profile", value));
        Assert.Equal(1, result.MatchedCount);
    }

    /// <summary>A second storage with its own client (own connection pool), as another process would open it.</summary>
    public override Task<IStorage> OpenAnotherAsync(IStorage storage)
    {
        var mongo = (MongoStorage)storage;
        return Task.FromResult<IStorage>(new MongoStorage(RequireServer(), mongo.DbName, mongo.SessionTable, mongo.UserMemoryTable, mongo.KnowledgeTable));
    }

    /// <summary>A storage over the same database with other collection names, as a second application sharing the database would open it.</summary>
    public override Task<IStorage> OpenWithOtherTablesAsync(IStorage storage, string sessionTable, string userMemoryTable, string knowledgeTable)
    {
        var mongo = (MongoStorage)storage;
        var other = new MongoStorage(RequireServer(), mongo.DbName, sessionTable, userMemoryTable, knowledgeTable);
        _created.Add(other);
        return Task.FromResult<IStorage>(other);
    }

    /// <summary>Overwrites the stored message text with unreadable text, bypassing the storage.</summary>
    public override Task CorruptMessageAsync(IStorage storage, string sessionId, long sequence) =>
        OverwriteMessageAsync(storage, sessionId, sequence, "{ not json");

    /// <summary>Overwrites the stored message text with <paramref name="storedJson"/> by a raw update, bypassing the storage.</summary>
    public override async Task OverwriteMessageAsync(IStorage storage, string sessionId, long sequence, string storedJson)
    {
        var mongo = (MongoStorage)storage;
        var result = await Admin().GetDatabase(mongo.DbName).GetCollection<BsonDocument>(mongo.MessageCollection).UpdateOneAsync(
            MessageDefinitions.ByKey(sessionId, sequence), Builders<BsonDocument>.Update.Set(MessageDocuments.Message, storedJson));
        Assert.Equal(1, result.MatchedCount);
    }

    /// <inheritdoc />
    public override void RequireEngineFeature(EngineFeature feature)
    {
        switch (feature)
        {
            case EngineFeature.AtomicConcurrentUpdates:
                MongoTestServer.RequireRealServer("findAndModify returning the document it updated atomically under concurrent writers");
                break;
            case EngineFeature.TableListing:
                MongoTestServer.RequireRealServer("the listCollections command");
                break;
            case EngineFeature.StorePaging:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(feature), feature, "Unknown engine feature.");
        }
    }

    /// <summary>Removes every database this target created.</summary>
    public override async ValueTask DisposeAsync()
    {
        if (_admin is not null)
        {
            if (MongoTestServer.IsStandIn)
            {
                foreach (var storage in _created)
                {
                    await EmptyAsync(storage);
                }
            }
            else
            {
                foreach (var database in _created.Select(s => s.DbName).Distinct())
                {
                    await _admin.DropDatabaseAsync(database);
                }
            }

            _admin.Dispose();
        }

        await base.DisposeAsync();
    }

    private async Task EmptyAsync(MongoStorage storage)
    {
        var database = _admin!.GetDatabase(storage.DbName);
        string[] collections =
        [
            storage.SessionCollection, storage.MessageCollection, storage.RunCollection, storage.SchemaCollection,
            storage.UserMemoryCollection, storage.KnowledgeCollection,
        ];
        foreach (var name in collections)
        {
            await database.GetCollection<BsonDocument>(name).DeleteManyAsync(FilterDefinition<BsonDocument>.Empty);
        }
    }

    private MongoClient Admin() => _admin ??= new MongoClient(RequireServer());

    private string RequireServer()
    {
        var uri = MongoTestServer.Require();
        _admin ??= new MongoClient(uri);
        return uri;
    }
}
