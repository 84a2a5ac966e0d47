namespace Upsonic.Storage.Mem0;

// User profiles: one Mem0 record per user.
public sealed partial class Mem0Storage
{
    /// <inheritdoc />
    protected override async Task<IReadOnlyList<UserMemory>> UpsertUserMemoriesCoreAsync(IReadOnlyList<UserMemory> userMemories, CancellationToken cancellationToken)
    {
        var stored = new List<UserMemory>(userMemories.Count);
        foreach (var memory in userMemories)
        {
            stored.Add(await UnderGateAsync(_userMemories, memory.UserId, async () =>
            {
                var record = await _userMemories.GetAsync(memory.UserId, cancellationToken).ConfigureAwait(false);
                return await PutUserMemoryAsync(memory, record, cancellationToken).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false));
        }

        return stored;
    }

    /// <inheritdoc />
    protected override async Task<PagedResult<UserMemory>> GetUserMemoriesCoreAsync(UserMemoryQuery query, CancellationToken cancellationToken)
    {
        var all = (await _userMemories.ListAsync(main => !Expired(main), cancellationToken).ConfigureAwait(false)).Select(l => l.Then(Deserialize<UserMemory>));
        return PageListed(all, m => RecordOrdering.Matches(m, query),
            main => IsOneOf(_userMemories, main, query.UserIds) && StoredFieldMayBe(main, "agent_id", query.AgentId) && StoredFieldMayBe(main, "team_id", query.TeamId),
            m => m.UpdatedAt, main => StoredTime(main, "updated_at"), m => m.UserId, SortOrder.Descending, query.Limit, query.Offset, m => m);
    }

    /// <inheritdoc />
    protected override async Task<int> DeleteUserMemoriesCoreAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken)
    {
        var deleted = 0;
        foreach (var id in userIds.Distinct(StringComparer.Ordinal))
        {
            if (await UnderGateAsync(_userMemories, id, () => _userMemories.DeleteAsync(id, cancellationToken), cancellationToken).ConfigureAwait(false))
            {
                deleted++;
            }
        }

        return deleted;
    }

    /// <inheritdoc />
    protected override Task<UserMemory> UpdateUserProfileCoreAsync(ProfileUpdate update, CancellationToken cancellationToken) =>
        UnderGateAsync(_userMemories, update.UserId, async () =>
        {
            var record = await _userMemories.GetAsync(update.UserId, cancellationToken).ConfigureAwait(false);
            var current = Live(record) is { } live ? Deserialize<UserMemory>(live) : null;
            var merged = new UserMemory
            {
                UserId = update.UserId,
                Profile = ProfileMerge.Apply(current?.Profile, update.Traits, update.Mode),
                AgentId = update.AgentId,
                TeamId = update.TeamId,
            };
            return await PutUserMemoryAsync(merged, record, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    private async Task<UserMemory> PutUserMemoryAsync(UserMemory memory, Mem0StoredRecord? existing, CancellationToken ct)
    {
        var now = StorageClock.Now();
        var stored = new UserMemory
        {
            UserId = memory.UserId,
            Profile = (System.Text.Json.Nodes.JsonObject)memory.Profile.DeepClone(),
            AgentId = memory.AgentId,
            TeamId = memory.TeamId,
            CreatedAt = (Live(existing) is { } live ? Deserialize<UserMemory>(live).CreatedAt : null)
                ?? (memory.CreatedAt is { } created ? StorageClock.Truncate(created) : now),
            UpdatedAt = now,
        };
        await WriteUserMemoryAsync(stored, existing, ct).ConfigureAwait(false);
        return stored;
    }

    /// <summary>Writes a profile as given (its timestamps set) over the existing record, if any.</summary>
    private Task WriteUserMemoryAsync(UserMemory stored, Mem0StoredRecord? existing, CancellationToken ct)
    {
        KeyValuePair<string, string?>[] fields =
        [
            new("user_id", stored.UserId),
            new("agent_id", stored.AgentId),
            new("team_id", stored.TeamId),
            new("created_at", Iso(stored.CreatedAt)),
            new("updated_at", Iso(stored.UpdatedAt)),
        ];
        return _userMemories.PutAsync(stored.UserId, fields, Serialize(stored), existing, ct);
    }
}
