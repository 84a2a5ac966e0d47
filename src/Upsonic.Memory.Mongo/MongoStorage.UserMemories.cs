using MongoDB.Bson;
using MongoDB.Driver;

namespace Upsonic.Storage.Mongo;

public sealed partial class MongoStorage
{
    /// <inheritdoc />
    protected override async Task<IReadOnlyList<UserMemory>> UpsertUserMemoriesCoreAsync(IReadOnlyList<UserMemory> userMemories, CancellationToken cancellationToken)
    {
        var stored = new List<UserMemory>(userMemories.Count);
        foreach (var memory in userMemories)
        {
            stored.Add(await WriteUserMemoryAsync(memory, cancellationToken).ConfigureAwait(false));
        }

        return stored;
    }

    private async Task<UserMemory> WriteUserMemoryAsync(UserMemory memory, CancellationToken ct)
    {
        var stored = await MongoFailure.RetryUpsertAsync(() => _collections.UserMemories.FindOneAndUpdateAsync(
            UserMemoryDefinitions.ById(memory.UserId), UserMemoryDefinitions.Upsert(memory, StorageClock.Now()),
            UserMemoryDefinitions.ReturnStored(), ct)).ConfigureAwait(false);
        return UserMemoryDocuments.Read(stored);
    }

    /// <inheritdoc />
    protected override async Task<PagedResult<UserMemory>> GetUserMemoriesCoreAsync(UserMemoryQuery query, CancellationToken cancellationToken)
    {
        var filter = UserMemoryDefinitions.Live(UserMemoryDefinitions.Matching(query), ExpiryCutoff());
        var total = await _collections.UserMemories.CountDocumentsAsync(filter, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (query.Limit == 0)
        {
            return new PagedResult<UserMemory>([], total);
        }

        var documents = await _collections.UserMemories.Find(filter).Sort(UserMemoryDefinitions.Order())
            .Skip(query.Offset is > 0 ? query.Offset : null).Limit(query.Limit).ToListAsync(cancellationToken).ConfigureAwait(false);
        return new PagedResult<UserMemory>(documents.Select(UserMemoryDocuments.Read).ToList(), total);
    }

    /// <inheritdoc />
    protected override async Task<int> DeleteUserMemoriesCoreAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken)
    {
        return (int)(await _collections.UserMemories.DeleteManyAsync(UserMemoryDefinitions.ByIds(userIds), cancellationToken)
            .ConfigureAwait(false)).DeletedCount;
    }

    /// <inheritdoc />
    /// <remarks>
    /// One <c>findAndModify</c> with upsert. Update mode sets <c>profile.&lt;key&gt;</c> for each informative trait only, so concurrent
    /// updates of different traits all survive and a null or empty trait never erases a known one; Replace mode sets the whole profile.
    /// </remarks>
    protected override async Task<UserMemory> UpdateUserProfileCoreAsync(ProfileUpdate update, CancellationToken cancellationToken)
    {
        var stored = await MongoFailure.RetryUpsertAsync(() => _collections.UserMemories.FindOneAndUpdateAsync(
            UserMemoryDefinitions.ById(update.UserId), UserMemoryDefinitions.Profile(update, StorageClock.Now()),
            UserMemoryDefinitions.ReturnStored(), cancellationToken)).ConfigureAwait(false);
        return UserMemoryDocuments.Read(stored);
    }
}
