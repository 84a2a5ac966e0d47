using MongoDB.Bson;
using MongoDB.Driver;

namespace Upsonic.Storage.Mongo;

public sealed partial class MongoStorage
{
    /// <summary>Whether a collection with this name exists in the database (one <c>listCollections</c>).</summary>
    protected override async Task<bool> TableExistsCoreAsync(string tableName, CancellationToken cancellationToken)
    {
        var options = new ListCollectionNamesOptions { Filter = new BsonDocument("name", tableName) };
        using var names = await Database.ListCollectionNamesAsync(options, cancellationToken).ConfigureAwait(false);
        return (await names.ToListAsync(cancellationToken).ConfigureAwait(false)).Count > 0;
    }

    /// <summary>Creates the indexes and the schema-version document (idempotent; also done before the first operation).</summary>
    protected override Task CreateSchemaCoreAsync(CancellationToken cancellationToken) => _schema.CreateAsync(cancellationToken);

    /// <summary>Deletes every document of every collection of this storage (indexes stay). Runs against the server in every process.</summary>
    protected override async Task ClearAllCoreAsync(CancellationToken cancellationToken)
    {
        var all = FilterDefinition<BsonDocument>.Empty;
        await _collections.Sessions.DeleteManyAsync(all, cancellationToken).ConfigureAwait(false);
        await _collections.Messages.DeleteManyAsync(all, cancellationToken).ConfigureAwait(false);
        await _collections.Runs.DeleteManyAsync(all, cancellationToken).ConfigureAwait(false);
        await _collections.UserMemories.DeleteManyAsync(all, cancellationToken).ConfigureAwait(false);
        await _collections.Knowledge.DeleteManyAsync(all, cancellationToken).ConfigureAwait(false);
    }
}
