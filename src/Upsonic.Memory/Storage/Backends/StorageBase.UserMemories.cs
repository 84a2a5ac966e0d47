namespace Upsonic.Storage.Backends;

// User profiles: the public members check and wrap; one profile is the plural core with one item.
public abstract partial class StorageBase
{
    /// <inheritdoc />
    public async Task<UserMemory> UpsertUserMemoryAsync(UserMemory userMemory, CancellationToken cancellationToken = default)
    {
        StorageArguments.UserMemory(userMemory, nameof(userMemory));
        var stored = await ExecuteAsync("UpsertUserMemory", userMemory.UserId, needsSchema: true,
            ct => AfterExpiryAsync([], [userMemory.UserId], c => UpsertUserMemoriesCoreAsync([userMemory], c), ct), cancellationToken).ConfigureAwait(false);
        return stored[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<UserMemory>> UpsertUserMemoriesAsync(IEnumerable<UserMemory> userMemories, CancellationToken cancellationToken = default)
    {
        var list = StorageArguments.UserMemories(userMemories, nameof(userMemories));
        if (list.Count == 0)
        {
            return [];
        }

        return await ExecuteAsync("UpsertUserMemories", null, needsSchema: true, ct => AfterExpiryAsync([], [.. list.Select(m => m.UserId)], c => UpsertUserMemoriesCoreAsync(list, c), ct), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<UserMemory?> GetUserMemoryAsync(string? userId = null, string? agentId = null, string? teamId = null, CancellationToken cancellationToken = default)
    {
        var query = RecordOrdering.LatestUserMemory(userId, agentId, teamId);
        var page = await ExecuteAsync("GetUserMemory", userId, needsSchema: true, ct => GetUserMemoriesCoreAsync(query, ct), cancellationToken).ConfigureAwait(false);
        return Single(page);
    }

    /// <inheritdoc />
    /// <remarks>A profile that cannot be read is left out and reported in <see cref="PagedResult{T}.UnreadableRecords"/>, logged
    /// and counted (see <see cref="Logger"/>); <see cref="GetUserMemoryAsync"/> of it throws.</remarks>
    public Task<PagedResult<UserMemory>> GetUserMemoriesAsync(UserMemoryQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new UserMemoryQuery();
        StorageArguments.Query(query, nameof(query));
        return ExecuteAsync("GetUserMemories", null, needsSchema: true, ct => ListReadableAsync("GetUserMemories", query.Limit, query.Offset ?? 0, anyRange: true,
            (limit, offset, c) => GetUserMemoriesCoreAsync(query with { Limit = limit, Offset = offset }, c), ct), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteUserMemoryAsync(string userId, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(userId, nameof(userId));
        return await ExecuteAsync("DeleteUserMemory", userId, needsSchema: true, ct => DeleteUserMemoriesCoreAsync([userId], ct), cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc />
    public Task<int> DeleteUserMemoriesAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default)
    {
        StorageArguments.Ids(userIds, nameof(userIds));
        var distinct = userIds.Distinct(StringComparer.Ordinal).ToList();
        return ExecuteAsync("DeleteUserMemories", null, needsSchema: true, ct => DeleteUserMemoriesCoreAsync(distinct, ct), cancellationToken);
    }

    /// <summary>Inserts or replaces each profile (one row per user): created_at kept when it exists (else the given one, else now), updated_at now.</summary>
    /// <param name="userMemories">At least one checked profile.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    protected abstract Task<IReadOnlyList<UserMemory>> UpsertUserMemoriesCoreAsync(IReadOnlyList<UserMemory> userMemories, CancellationToken cancellationToken);

    /// <summary>Lists profiles: filters, newest updated first, paging and the total (<see cref="UserMemoryQuery"/>).</summary>
    /// <param name="query">A checked query. <see cref="GetUserMemoryAsync"/> passes <see cref="RecordOrdering.LatestUserMemory"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    protected abstract Task<PagedResult<UserMemory>> GetUserMemoriesCoreAsync(UserMemoryQuery query, CancellationToken cancellationToken);

    /// <summary>Deletes profiles. Returns how many existed.</summary>
    /// <param name="userIds">Distinct, valid ids (at least one).</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    protected abstract Task<int> DeleteUserMemoriesCoreAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken);
}
