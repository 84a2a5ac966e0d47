namespace Upsonic.Storage;

// User profiles: one file per user, replaced atomically.
public sealed partial class JsonStorage
{
    /// <inheritdoc />
    protected override Task<IReadOnlyList<UserMemory>> UpsertUserMemoriesCoreAsync(IReadOnlyList<UserMemory> userMemories, CancellationToken cancellationToken) =>
        LockedAsync<IReadOnlyList<UserMemory>>(() => userMemories.Select(WriteUserMemory).ToList(), cancellationToken);

    /// <inheritdoc />
    protected override Task<PagedResult<UserMemory>> GetUserMemoriesCoreAsync(UserMemoryQuery query, CancellationToken cancellationToken) =>
        LockedAsync(() => RecordOrdering.Page(
            JsonFiles.List(UserMemoryDirectory, ".json").Select(ReadUserMemoryFile).OfType<UserMemory>().Where(m => RecordOrdering.Matches(m, query)),
            m => m.UpdatedAt, m => m.UserId, SortOrder.Descending, query.Limit, query.Offset), cancellationToken);

    /// <inheritdoc />
    protected override Task<int> DeleteUserMemoriesCoreAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            var deleted = 0;
            foreach (var userId in userIds)
            {
                if (ReadUserMemory(userId) is not null)
                {
                    deleted++;
                }

                File.Delete(JsonFiles.Record(UserMemoryDirectory, userId));
            }

            return deleted;
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<UserMemory> UpdateUserProfileCoreAsync(ProfileUpdate update, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            var current = ReadUserMemory(update.UserId);
            return WriteUserMemory(new UserMemory
            {
                UserId = update.UserId,
                Profile = ProfileMerge.Apply(current?.Profile, update.Traits, update.Mode),
                AgentId = update.AgentId,
                TeamId = update.TeamId,
            });
        }, cancellationToken);

    private UserMemory WriteUserMemory(UserMemory memory)
    {
        var now = StorageClock.Now();
        var stored = new UserMemory
        {
            UserId = memory.UserId,
            Profile = (System.Text.Json.Nodes.JsonObject)memory.Profile.DeepClone(),
            AgentId = memory.AgentId,
            TeamId = memory.TeamId,
            CreatedAt = ReadUserMemory(memory.UserId)?.CreatedAt ?? (memory.CreatedAt is { } created ? StorageClock.Truncate(created) : now),
            UpdatedAt = now,
        };
        JsonFiles.ReplaceAtomically(JsonFiles.Record(UserMemoryDirectory, memory.UserId), JsonRecords.Serialize(stored));
        return stored;
    }

    private UserMemory? ReadUserMemory(string userId) => ReadUserMemoryFile(JsonFiles.Record(UserMemoryDirectory, userId));

    /// <summary>A profile file, or null when it does not exist or has expired (then it is deleted).</summary>
    private UserMemory? ReadUserMemoryFile(string path)
    {
        if (JsonFiles.ReadIfExists(path) is not { } bytes)
        {
            return null;
        }

        var memory = JsonRecords.Deserialize<UserMemory>(bytes, path);
        if (IsExpired(memory.UpdatedAt))
        {
            File.Delete(path);
            return null;
        }

        return memory;
    }
}
