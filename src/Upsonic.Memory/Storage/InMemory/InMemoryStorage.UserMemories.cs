using System.Text.Json.Nodes;

namespace Upsonic.Storage;

// User profiles, with the copies that keep callers from aliasing stored state.
public sealed partial class InMemoryStorage
{
    /// <inheritdoc />
    protected override Task<IReadOnlyList<UserMemory>> UpsertUserMemoriesCoreAsync(IReadOnlyList<UserMemory> userMemories, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<UserMemory>>(userMemories.Select(UpsertUserMemoryLocked).ToList());
        }
    }

    private UserMemory UpsertUserMemoryLocked(UserMemory memory)
    {
        var now = StorageClock.Now();
        var stored = Copy(memory);
        stored.CreatedAt = _userMemories.TryGetValue(memory.UserId, out var existing)
            ? existing.CreatedAt
            : memory.CreatedAt is { } created ? StorageClock.Truncate(created) : now;
        stored.UpdatedAt = now;
        _userMemories[memory.UserId] = stored;
        return Copy(stored);
    }

    /// <inheritdoc />
    protected override Task<PagedResult<UserMemory>> GetUserMemoriesCoreAsync(UserMemoryQuery query, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var page = RecordOrdering.Page(
                _userMemories.Values.Where(m => !IsExpired(m.UpdatedAt) && RecordOrdering.Matches(m, query)), m => m.UpdatedAt, m => m.UserId, SortOrder.Descending, query.Limit, query.Offset);
            return Task.FromResult(new PagedResult<UserMemory>(page.Items.Select(Copy).ToList(), page.Total));
        }
    }

    /// <inheritdoc />
    protected override Task<int> DeleteUserMemoriesCoreAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(userIds.Count(_userMemories.Remove));
        }
    }

    /// <inheritdoc />
    protected override Task<UserMemory> UpdateUserProfileCoreAsync(ProfileUpdate update, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var current = _userMemories.GetValueOrDefault(update.UserId);
            var merged = new UserMemory
            {
                UserId = update.UserId,
                Profile = ProfileMerge.Apply(current?.Profile, update.Traits, update.Mode),
                AgentId = update.AgentId,
                TeamId = update.TeamId,
            };
            return Task.FromResult(UpsertUserMemoryLocked(merged));
        }
    }

    private static UserMemory Copy(UserMemory m) => new()
    {
        UserId = m.UserId,
        Profile = (JsonObject)m.Profile.DeepClone(),
        AgentId = m.AgentId,
        TeamId = m.TeamId,
        CreatedAt = m.CreatedAt,
        UpdatedAt = m.UpdatedAt,
    };
}
