using MongoDB.Bson;
using MongoDB.Driver;

namespace Upsonic.Storage.Mongo;

public sealed partial class MongoStorage
{
    /// <summary>Whether a collection with this name exists in the database (one <c>listCollections</c>).</summary>
    public Task<bool> TableExistsAsync(string tableName, CancellationToken cancellationToken = default)
    {
        Guard.Id(tableName, nameof(tableName));
        return WrapAsync("TableExists", tableName, async ct =>
        {
            var options = new ListCollectionNamesOptions { Filter = new BsonDocument("name", tableName) };
            using var names = await Database.ListCollectionNamesAsync(options, ct).ConfigureAwait(false);
            return (await names.ToListAsync(ct).ConfigureAwait(false)).Count > 0;
        }, cancellationToken);
    }

    /// <summary>Creates the indexes and the schema-version document (idempotent; also done before the first operation).</summary>
    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) =>
        RunAsync("EnsureCreated", null, _ => Task.FromResult(true), cancellationToken);

    /// <summary>Deletes every document of every collection of this storage (indexes stay). Runs against the server in every process.</summary>
    public Task ClearAllAsync(CancellationToken cancellationToken = default) =>
        RunAsync("ClearAll", null, async ct =>
        {
            var all = FilterDefinition<BsonDocument>.Empty;
            await _collections.Sessions.DeleteManyAsync(all, ct).ConfigureAwait(false);
            await _collections.Messages.DeleteManyAsync(all, ct).ConfigureAwait(false);
            await _collections.Runs.DeleteManyAsync(all, ct).ConfigureAwait(false);
            await _collections.UserMemories.DeleteManyAsync(all, ct).ConfigureAwait(false);
            await _collections.Knowledge.DeleteManyAsync(all, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>Like <see cref="RunAsync{T}"/> but without creating the indexes first (for questions about what exists).</summary>
    private static async Task<T> WrapAsync<T>(string operation, string? recordId, Func<CancellationToken, Task<T>> body, CancellationToken cancellationToken)
    {
        try
        {
            return await body(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (MongoFailure.IsDriverFailure(ex))
        {
            throw MongoFailure.Wrap(ex, operation, recordId);
        }
    }
}
