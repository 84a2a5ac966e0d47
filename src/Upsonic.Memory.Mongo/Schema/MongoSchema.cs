using MongoDB.Bson;
using MongoDB.Driver;

namespace Upsonic.Storage.Mongo;

/// <summary>
/// Creates the indexes and the schema-version document once per storage instance (so once in every process), before the first
/// operation of any kind.
/// </summary>
/// <remarks>
/// Upstream gated reads and deletes on "this process created the collection", so a fresh process silently deleted nothing.
/// Here every operation first awaits this initializer and then always runs against the server. Index creation is idempotent
/// on the server; a failed attempt (server down) is retried by the next operation.
/// </remarks>
internal sealed class MongoSchema
{
    /// <summary>The layout version this code writes and reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The <c>_id</c> of the schema-version document.</summary>
    public const string DocumentId = "schema";

    private readonly MongoCollections _collections;

    public MongoSchema(MongoCollections collections) => _collections = collections;

    /// <summary>Creates what is missing (idempotent; <see cref="MongoStorage"/> calls it once per instance and on every EnsureCreated).</summary>
    public async Task CreateAsync(CancellationToken cancellationToken)
    {
        await CreateIndexesAsync(_collections.Sessions, MongoIndexes.Sessions(), cancellationToken).ConfigureAwait(false);
        await CreateIndexesAsync(_collections.Messages, MongoIndexes.Messages(), cancellationToken).ConfigureAwait(false);
        await CreateIndexesAsync(_collections.Runs, MongoIndexes.Runs(), cancellationToken).ConfigureAwait(false);
        await CreateIndexesAsync(_collections.UserMemories, MongoIndexes.UserMemories(), cancellationToken).ConfigureAwait(false);
        await CreateIndexesAsync(_collections.Knowledge, MongoIndexes.Knowledge(), cancellationToken).ConfigureAwait(false);
        var stored = await MongoFailure.RetryUpsertAsync(() => _collections.Schema.FindOneAndUpdateAsync(
            VersionFilter(), VersionUpdate(),
            new FindOneAndUpdateOptions<BsonDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After },
            cancellationToken)).ConfigureAwait(false);
        var version = BsonFields.GetLong(stored, "version");
        if (version > CurrentVersion)
        {
            throw new StorageException(
                $"The collections '{_collections.SessionName}*' were written by a newer layout (version {version}); this library reads version {CurrentVersion}. Upgrade Upsonic.Memory.Mongo.",
                null, null, _collections.SessionName);
        }
    }

    private static async Task CreateIndexesAsync(IMongoCollection<BsonDocument> collection, IReadOnlyList<CreateIndexModel<BsonDocument>> indexes, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await collection.Indexes.CreateManyAsync(indexes, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (MongoCommandException ex) when (attempt < 5 && ex.Code is NamespaceExists or IndexBuildAlreadyInProgress)
            {
                // Another process is creating the same thing; asking again waits for or confirms its result.
            }
        }
    }

    private const int NamespaceExists = 48;
    private const int IndexBuildAlreadyInProgress = 276;

    /// <summary>The schema-version document's key.</summary>
    internal static FilterDefinition<BsonDocument> VersionFilter() => new BsonDocument("_id", DocumentId);

    /// <summary>Writes the version only when the document is new, so an existing (possibly newer) version is kept and reported.</summary>
    internal static UpdateDefinition<BsonDocument> VersionUpdate() =>
        new BsonDocument("$setOnInsert", new BsonDocument { { "version", CurrentVersion }, { "created_at", BsonFields.Time(StorageClock.System.Now()) } });
}
