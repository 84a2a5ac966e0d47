using MongoDB.Bson;
using MongoDB.Driver;

namespace Upsonic.Storage.Mongo;

public sealed partial class MongoStorage
{
    /// <inheritdoc />
    /// <remarks>One <c>findAndModify</c> with upsert: created_at is kept when the profile exists (unlike upstream Mongo, which reset it).</remarks>
    public Task<UserMemory> UpsertUserMemoryAsync(UserMemory userMemory, CancellationToken cancellationToken = default)
    {
        StorageArguments.UserMemory(userMemory, nameof(userMemory));
        return RunAsync("UpsertUserMemory", userMemory.UserId, ct => UpsertUserMemoryCoreAsync(userMemory, ct), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<UserMemory>> UpsertUserMemoriesAsync(IEnumerable<UserMemory> userMemories, CancellationToken cancellationToken = default)
    {
        var list = StorageArguments.UserMemories(userMemories, nameof(userMemories));
        return RunAsync<IReadOnlyList<UserMemory>>("UpsertUserMemories", null, async ct =>
        {
            var stored = new List<UserMemory>(list.Count);
            foreach (var memory in list)
            {
                stored.Add(await UpsertUserMemoryCoreAsync(memory, ct).ConfigureAwait(false));
            }

            return stored;
        }, cancellationToken);
    }

    private async Task<UserMemory> UpsertUserMemoryCoreAsync(UserMemory memory, CancellationToken ct)
    {
        var stored = await MongoFailure.RetryUpsertAsync(() => _collections.UserMemories.FindOneAndUpdateAsync(
            UserMemoryDefinitions.ById(memory.UserId), UserMemoryDefinitions.Upsert(memory, StorageClock.Now()),
            UserMemoryDefinitions.ReturnStored(), ct)).ConfigureAwait(false);
        return UserMemoryDocuments.Read(stored);
    }

    /// <inheritdoc />
    public Task<UserMemory?> GetUserMemoryAsync(string? userId = null, string? agentId = null, string? teamId = null, CancellationToken cancellationToken = default)
    {
        var query = RecordOrdering.LatestUserMemory(userId, agentId, teamId);
        return RunAsync("GetUserMemory", userId, async ct =>
        {
            var document = await _collections.UserMemories.Find(UserMemoryDefinitions.Matching(query)).Sort(UserMemoryDefinitions.Order())
                .Limit(1).FirstOrDefaultAsync(ct).ConfigureAwait(false);
            return document is null ? null : UserMemoryDocuments.Read(document);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<PagedResult<UserMemory>> GetUserMemoriesAsync(UserMemoryQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new UserMemoryQuery();
        StorageArguments.Paging(query.Limit, query.Offset, nameof(query));
        return RunAsync("GetUserMemories", null, async ct =>
        {
            var filter = UserMemoryDefinitions.Matching(query);
            var total = await _collections.UserMemories.CountDocumentsAsync(filter, cancellationToken: ct).ConfigureAwait(false);
            if (query.Limit == 0)
            {
                return new PagedResult<UserMemory>([], total);
            }

            var documents = await _collections.UserMemories.Find(filter).Sort(UserMemoryDefinitions.Order())
                .Skip(query.Offset is > 0 ? query.Offset : null).Limit(query.Limit).ToListAsync(ct).ConfigureAwait(false);
            return new PagedResult<UserMemory>(documents.Select(UserMemoryDocuments.Read).ToList(), total);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteUserMemoryAsync(string userId, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(userId, nameof(userId));
        return RunAsync("DeleteUserMemory", userId, async ct =>
            (await _collections.UserMemories.DeleteOneAsync(UserMemoryDefinitions.ById(userId), ct).ConfigureAwait(false)).DeletedCount > 0,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> DeleteUserMemoriesAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default)
    {
        StorageArguments.Ids(userIds, nameof(userIds));
        return RunAsync("DeleteUserMemories", null, async ct =>
            (int)(await _collections.UserMemories.DeleteManyAsync(UserMemoryDefinitions.ByIds(userIds.Distinct(StringComparer.Ordinal)), ct)
                .ConfigureAwait(false)).DeletedCount,
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// One <c>findAndModify</c> with upsert. Update mode sets <c>profile.&lt;key&gt;</c> for each informative trait only, so concurrent
    /// updates of different traits all survive and a null or empty trait never erases a known one; Replace mode sets the whole profile.
    /// </remarks>
    public Task<UserMemory> UpdateUserProfileAsync(ProfileUpdate update, CancellationToken cancellationToken = default)
    {
        StorageArguments.Profile(update, nameof(update));
        return RunAsync("UpdateUserProfile", update.UserId, async ct =>
        {
            var stored = await MongoFailure.RetryUpsertAsync(() => _collections.UserMemories.FindOneAndUpdateAsync(
                UserMemoryDefinitions.ById(update.UserId), UserMemoryDefinitions.Profile(update, StorageClock.Now()),
                UserMemoryDefinitions.ReturnStored(), ct)).ConfigureAwait(false);
            return UserMemoryDocuments.Read(stored);
        }, cancellationToken);
    }
}
