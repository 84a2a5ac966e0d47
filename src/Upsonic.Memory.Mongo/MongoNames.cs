namespace Upsonic.Storage.Mongo;

/// <summary>The database and collection names of a <see cref="MongoStorage"/>, validated before a client is created.</summary>
internal sealed record MongoNames(string Database, string Sessions, string UserMemories, string Knowledge)
{
    /// <summary>Validates the names (see <see cref="StorageNames"/>), naming the constructor's parameters in errors.</summary>
    public static MongoNames Validate(string dbName, string? sessionCollection, string? userMemoryCollection, string? knowledgeCollection) => new(
        StorageNames.Validate(dbName, MongoStorage.DefaultDbName, nameof(dbName)),
        StorageNames.Validate(sessionCollection, StorageNames.DefaultSessionTable, nameof(sessionCollection)),
        StorageNames.Validate(userMemoryCollection, StorageNames.DefaultUserMemoryTable, nameof(userMemoryCollection)),
        StorageNames.Validate(knowledgeCollection, StorageNames.DefaultKnowledgeTable, nameof(knowledgeCollection)));
}
