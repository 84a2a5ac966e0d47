using StackExchange.Redis;

namespace Upsonic.Storage.Redis;

/// <summary>User profiles in <see cref="RedisStorage"/>: one hash per user (record JSON + version), indexed by agent and team.</summary>
public sealed partial class RedisStorage
{
    /// <inheritdoc />
    protected override Task<IReadOnlyList<UserMemory>> UpsertUserMemoriesCoreAsync(IReadOnlyList<UserMemory> userMemories, CancellationToken cancellationToken)
    {
        return WithDatabaseAsync<IReadOnlyList<UserMemory>>(async db =>
        {
            var stored = new List<UserMemory>(userMemories.Count);
            foreach (var memory in userMemories)
            {
                stored.Add(await WriteUserMemoryAsync(db, memory.UserId, _ => Copy(memory)).ConfigureAwait(false));
            }

            return stored;
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>The merge is computed from the stored profile and written only if no other writer changed it meanwhile (else it is
    /// recomputed), so concurrent updates of different keys all survive.</remarks>
    protected override Task<UserMemory> UpdateUserProfileCoreAsync(ProfileUpdate update, CancellationToken cancellationToken)
    {
        return WithDatabaseAsync(db => WriteUserMemoryAsync(db, update.UserId, current => new UserMemory
        {
            UserId = update.UserId,
            Profile = ProfileMerge.Apply(current?.Profile, update.Traits, update.Mode),
            AgentId = update.AgentId,
            TeamId = update.TeamId,
            CreatedAt = current?.CreatedAt,
        }), cancellationToken);
    }

    /// <summary>Writes a profile computed from the stored one, under its version; created_at kept (else the given one, else now).</summary>
    private async Task<UserMemory> WriteUserMemoryAsync(IDatabase db, string userId, Func<UserMemory?, UserMemory> build)
    {
        await WriteSchemaAsync(db).ConfigureAwait(false);
        var key = Keys.UserMemory(userId);
        var indexed = new HashSet<string>(StringComparer.Ordinal);
        var (stored, old) = await OptimisticAsync<(UserMemory, UserMemory?)>("UpsertUserMemory", userId, async () =>
        {
            var (current, version) = await ReadUserMemoryAsync(db, userId).ConfigureAwait(false);
            var now = StorageClock.Now();
            var memory = build(current);
            memory.CreatedAt = current?.CreatedAt ?? (memory.CreatedAt is { } c ? StorageClock.Truncate(c) : now);
            memory.UpdatedAt = now;

            // Index entries first (another hash slot), once per distinct value set.
            if (indexed.Add(memory.AgentId + "\u0000" + memory.TeamId))
            {
                await WriteIndexAsync(db, AddIndexEntries(new RedisWriteBatch(), UserMemoryIndexes(memory), userId)).ConfigureAwait(false);
            }

            var batch = new RedisWriteBatch(key)
                .HashSet(key, RedisRecords.JsonField, RedisRecords.UserMemoryJson(memory))
                .HashSet(key, RedisRecords.VersionField, version + 1);
            return await batch.ExecuteAsync(db, version, Expire).ConfigureAwait(false)
                ? (memory, current)
                : Optional<(UserMemory, UserMemory?)>.Conflict;
        }).ConfigureAwait(false);

        if (old is not null)
        {
            await WriteIndexAsync(db, RemoveIndexEntries(new RedisWriteBatch(), UserMemoryIndexes(old), UserMemoryIndexes(stored), userId)).ConfigureAwait(false);
        }

        return Copy(stored);
    }

    /// <summary>Reads a profile and its version (0 when it does not exist).</summary>
    private Task<(UserMemory? Record, long Version)> ReadUserMemoryAsync(IDatabase db, string userId) =>
        ReadVersionedAsync(db, Keys.UserMemory(userId), json => RedisRecords.ReadUserMemory(json, userId));

    /// <inheritdoc />
    protected override Task<PagedResult<UserMemory>> GetUserMemoriesCoreAsync(UserMemoryQuery query, CancellationToken cancellationToken)
    {
        return WithDatabaseAsync(db => ListUserMemoriesAsync(db, query), cancellationToken);
    }

    private async Task<PagedResult<UserMemory>> ListUserMemoriesAsync(IDatabase db, UserMemoryQuery query)
    {
        var candidates = await CandidatesAsync(db, query.UserIds, () =>
            query.AgentId is not null ? Keys.UserMemoriesByAgent(query.AgentId)
            : query.TeamId is not null ? Keys.UserMemoriesByTeam(query.TeamId)
            : Keys.UserMemoriesAll).ConfigureAwait(false);

        var values = await Task.WhenAll(candidates.Select(c => db.HashGetAsync(Keys.UserMemory(c.Id), RedisRecords.JsonField))).ConfigureAwait(false);
        var matches = new List<UserMemory>();
        var unreadable = new List<StorageException>();
        var stale = new List<IndexEntry>();
        for (var i = 0; i < candidates.Count; i++)
        {
            UserMemory? memory;
            try
            {
                memory = values[i].IsNull ? null : RedisRecords.ReadUserMemory((string)values[i]!, candidates[i].Id);
            }
            catch (StorageException ex) when (ex.IsCorruptData)
            {
                unreadable.Add(ex); // it was in the index the query reads, so it may match: counted in the total
                continue;
            }

            if (memory is not null && RecordOrdering.Matches(memory, query))
            {
                if (!IsExpired(memory.UpdatedAt))
                {
                    matches.Add(memory);
                }
            }
            else if (query.UserIds is null)
            {
                stale.Add(candidates[i]);
            }
        }

        await RemoveStaleAsync(db, stale).ConfigureAwait(false);
        var page = RecordOrdering.Page(matches, m => m.UpdatedAt, m => m.UserId, SortOrder.Descending, query.Limit, query.Offset);
        return page with { Total = page.Total + unreadable.Count, UnreadableRecords = unreadable };
    }

    /// <inheritdoc />
    protected override Task<int> DeleteUserMemoriesCoreAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken)
    {
        return WithDatabaseAsync(async db =>
        {
            var deleted = await Task.WhenAll(userIds.Select(id => RemoveUserMemoryAsync(db, id))).ConfigureAwait(false);
            return deleted.Count(d => d);
        }, cancellationToken);
    }

    /// <summary>Deletes a profile (only when <paramref name="only"/> accepts it, checked atomically with the delete).</summary>
    private async Task<bool> RemoveUserMemoryAsync(IDatabase db, string userId, Func<UserMemory, bool>? only = null)
    {
        var old = await DeleteVersionedAsync(db, "DeleteUserMemory", userId, Keys.UserMemory(userId), async () =>
        {
            var read = await ReadUserMemoryAsync(db, userId).ConfigureAwait(false);
            return read.Record is { } record && only is not null && !only(record) ? (null, read.Version) : read;
        }).ConfigureAwait(false);
        if (old is null)
        {
            return false;
        }

        await WriteIndexAsync(db, RemoveIndexEntries(new RedisWriteBatch(), UserMemoryIndexes(old), null, userId)).ConfigureAwait(false);
        return true;
    }

    /// <summary>The indexes that list a profile.</summary>
    private IEnumerable<RedisKey> UserMemoryIndexes(UserMemory memory)
    {
        yield return Keys.UserMemoriesAll;
        if (memory.AgentId is not null)
        {
            yield return Keys.UserMemoriesByAgent(memory.AgentId);
        }

        if (memory.TeamId is not null)
        {
            yield return Keys.UserMemoriesByTeam(memory.TeamId);
        }
    }

    private static UserMemory Copy(UserMemory m) => new()
    {
        UserId = m.UserId,
        Profile = (System.Text.Json.Nodes.JsonObject)m.Profile.DeepClone(),
        AgentId = m.AgentId,
        TeamId = m.TeamId,
        CreatedAt = m.CreatedAt,
        UpdatedAt = m.UpdatedAt,
    };
}
