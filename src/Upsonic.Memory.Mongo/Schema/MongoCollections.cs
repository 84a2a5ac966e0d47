using MongoDB.Bson;
using MongoDB.Driver;

namespace Upsonic.Storage.Mongo;

/// <summary>The collections of one storage, named after its configured names.</summary>
/// <remarks>
/// Sessions use four collections that share the session collection's name as a prefix: the heads (<c>&lt;sessions&gt;</c>), their
/// messages (<c>&lt;sessions&gt;_messages</c>), their runs (<c>&lt;sessions&gt;_runs</c>) and the schema-version document
/// (<c>&lt;sessions&gt;_schema</c>).
/// </remarks>
internal sealed class MongoCollections
{
    public MongoCollections(IMongoDatabase database, string sessionCollection, string userMemoryCollection, string knowledgeCollection)
    {
        SessionName = sessionCollection;
        MessageName = sessionCollection + "_messages";
        RunName = sessionCollection + "_runs";
        SchemaName = sessionCollection + "_schema";
        UserMemoryName = userMemoryCollection;
        KnowledgeName = knowledgeCollection;
        Sessions = database.GetCollection<BsonDocument>(SessionName);
        Messages = database.GetCollection<BsonDocument>(MessageName);
        Runs = database.GetCollection<BsonDocument>(RunName);
        Schema = database.GetCollection<BsonDocument>(SchemaName);
        UserMemories = database.GetCollection<BsonDocument>(UserMemoryName);
        Knowledge = database.GetCollection<BsonDocument>(KnowledgeName);
    }

    public string SessionName { get; }

    public string MessageName { get; }

    public string RunName { get; }

    public string SchemaName { get; }

    public string UserMemoryName { get; }

    public string KnowledgeName { get; }

    public IMongoCollection<BsonDocument> Sessions { get; }

    public IMongoCollection<BsonDocument> Messages { get; }

    public IMongoCollection<BsonDocument> Runs { get; }

    public IMongoCollection<BsonDocument> Schema { get; }

    public IMongoCollection<BsonDocument> UserMemories { get; }

    public IMongoCollection<BsonDocument> Knowledge { get; }

    /// <summary>Every collection name, for <c>TableExistsAsync</c> and documentation.</summary>
    public IReadOnlyList<string> Names => [SessionName, MessageName, RunName, SchemaName, UserMemoryName, KnowledgeName];
}
