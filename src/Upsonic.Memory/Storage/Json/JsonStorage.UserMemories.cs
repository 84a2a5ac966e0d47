using System.Text.Json;

namespace Upsonic.Storage;

// User profiles: one file per user, replaced atomically.
public sealed partial class JsonStorage
{
    /// <inheritdoc />
    protected override Task<IReadOnlyList<UserMemory>> UpsertUserMemoriesCoreAsync(IReadOnlyList<UserMemory> userMemories, CancellationToken cancellationToken) =>
        LockedAsync<IReadOnlyList<UserMemory>>(() => userMemories.Select(WriteUserMemory).ToList(), cancellationToken);

    /// <inheritdoc />
    /// <remarks>Reads the files of the listed users, or every profile file; a file that cannot be read is reported in
    /// <see cref="PagedResult{T}.UnreadableRecords"/> (and counted in the total: its filter fields cannot be read either).</remarks>
    protected override Task<PagedResult<UserMemory>> GetUserMemoriesCoreAsync(UserMemoryQuery query, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            var files = query.UserIds is { } ids
                ? ids.Distinct(StringComparer.Ordinal).Select(id => (Path: JsonFiles.Record(UserMemoryDirectory, id), UserId: (string?)id))
                : JsonFiles.List(UserMemoryDirectory, ".json").Select(path => (Path: path, UserId: (string?)null));
            var readable = new List<UserMemory>();
            var unreadable = new List<StorageException>();
            foreach (var (path, userId) in files)
            {
                try
                {
                    if (ReadUserMemoryFile(path, userId) is { } memory && RecordOrdering.Matches(memory, query))
                    {
                        readable.Add(memory);
                    }
                }
                catch (StorageException ex) when (ex.IsCorruptData)
                {
                    unreadable.Add(ex);
                }
            }

            var page = RecordOrdering.Page(readable, m => m.UpdatedAt, m => m.UserId, SortOrder.Descending, query.Limit, query.Offset);
            return page with { Total = page.Total + unreadable.Count, UnreadableRecords = unreadable };
        }, cancellationToken);

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

    private UserMemory? ReadUserMemory(string userId) => ReadUserMemoryFile(JsonFiles.Record(UserMemoryDirectory, userId), userId);

    /// <summary>A profile file, or null when it does not exist or has expired (then it is deleted).</summary>
    /// <param name="path">The file.</param>
    /// <param name="userId">The user it belongs to, when known (else read from the file, or the file name, in errors).</param>
    private UserMemory? ReadUserMemoryFile(string path, string? userId)
    {
        if (JsonFiles.ReadIfExists(path) is not { } bytes)
        {
            return null;
        }

        UserMemory memory;
        try
        {
            memory = JsonRecords.DeserializeStrict<UserMemory>(bytes, path);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            // ArgumentException: a duplicate key in the profile map, which the JsonObject converter reports as one.
            var id = userId ?? JsonRecords.UserIdOf(bytes) ?? Path.GetFileName(path);
            throw StorageException.CorruptData($"The stored profile of user '{id}' cannot be read: {ex.Message}", ex, "ReadUserMemory", id);
        }

        if (IsExpired(memory.UpdatedAt))
        {
            File.Delete(path);
            return null;
        }

        return memory;
    }
}
