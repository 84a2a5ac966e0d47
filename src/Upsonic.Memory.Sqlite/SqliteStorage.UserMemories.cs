using System.Globalization;
using Microsoft.Data.Sqlite;
using Upsonic.Storage.Serialization;

namespace Upsonic.Storage.Sqlite;

/// <summary>User profiles: one row per user id.</summary>
public sealed partial class SqliteStorage
{
    /// <inheritdoc />
    public async Task<UserMemory> UpsertUserMemoryAsync(UserMemory userMemory, CancellationToken cancellationToken = default)
    {
        Guard.UserMemory(userMemory, nameof(userMemory));
        return await RunAsync("UpsertUserMemory", userMemory.UserId, write: true, ensureSchema: true,
            scope => UpsertUserMemoryAsync(scope, userMemory, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>All profiles are written in one transaction.</remarks>
    public async Task<IReadOnlyList<UserMemory>> UpsertUserMemoriesAsync(IEnumerable<UserMemory> userMemories, CancellationToken cancellationToken = default)
    {
        var list = Guard.UserMemories(userMemories, nameof(userMemories));
        if (list.Count == 0)
        {
            return [];
        }

        return await RunAsync("UpsertUserMemories", null, write: true, ensureSchema: true, async scope =>
        {
            var stored = new List<UserMemory>(list.Count);
            foreach (var memory in list)
            {
                stored.Add(await UpsertUserMemoryAsync(scope, memory, cancellationToken).ConfigureAwait(false));
            }

            return (IReadOnlyList<UserMemory>)stored;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Inserts or replaces a profile, keeping a stored created_at (RETURNING gives the one kept).</summary>
    private async Task<UserMemory> UpsertUserMemoryAsync(SqliteScope scope, UserMemory memory, CancellationToken cancellationToken)
    {
        var now = StorageClock.Now();
        var profile = StorageJson.SerializeObject(memory.Profile ?? []);
        await using var command = scope.Command(_sql.UpsertUserMemory)
            .Bind("@user_id", memory.UserId).Bind("@user_memory", profile).Bind("@agent_id", memory.AgentId).Bind("@team_id", memory.TeamId)
            .BindTime("@created_at", memory.CreatedAt ?? now).BindTime("@updated_at", now);
        var createdAt = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        return new UserMemory
        {
            UserId = memory.UserId,
            Profile = StorageJson.DeserializeObject(profile, memory.UserId, "user_memory") ?? [],
            AgentId = memory.AgentId,
            TeamId = memory.TeamId,
            CreatedAt = StorageClock.FromUnixMilliseconds(createdAt),
            UpdatedAt = now,
        };
    }

    /// <inheritdoc />
    public async Task<UserMemory?> GetUserMemoryAsync(string? userId = null, string? agentId = null, string? teamId = null, CancellationToken cancellationToken = default)
    {
        var query = RecordOrdering.LatestUserMemory(userId, agentId, teamId);
        return await RunAsync("GetUserMemory", userId, write: false, ensureSchema: true, async scope =>
        {
            var page = await ReadUserMemoriesAsync(scope, query, cancellationToken).ConfigureAwait(false);
            return page.Count == 0 ? null : page[0];
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<PagedResult<UserMemory>> GetUserMemoriesAsync(UserMemoryQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new UserMemoryQuery();
        Guard.Query(query, nameof(query));
        return await RunAsync("GetUserMemories", null, write: false, ensureSchema: true, async scope =>
        {
            long total;
            await using (var count = BindUserMemoryFilter(scope.Command(_sql.CountUserMemories), query))
            {
                total = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            }

            var items = await ReadUserMemoriesAsync(scope, query, cancellationToken).ConfigureAwait(false);
            return new PagedResult<UserMemory>(items, total);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteUserMemoryAsync(string userId, CancellationToken cancellationToken = default)
    {
        Guard.Id(userId, nameof(userId));
        return await RunAsync("DeleteUserMemory", userId, write: true, ensureSchema: true, async scope =>
        {
            await using var command = scope.Command(_sql.DeleteUserMemory).Bind("@user_id", userId);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<int> DeleteUserMemoriesAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default)
    {
        Guard.Ids(userIds, nameof(userIds));
        return await RunAsync("DeleteUserMemories", null, write: true, ensureSchema: true, async scope =>
        {
            await using var command = scope.Command(_sql.DeleteUserMemories).BindIds("@user_ids", userIds.Distinct(StringComparer.Ordinal));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    private static SqliteCommand BindUserMemoryFilter(SqliteCommand command, UserMemoryQuery query) =>
        command.BindIds("@user_ids", query.UserIds).Bind("@agent_id", query.AgentId).Bind("@team_id", query.TeamId);

    private async Task<List<UserMemory>> ReadUserMemoriesAsync(SqliteScope scope, UserMemoryQuery query, CancellationToken cancellationToken)
    {
        var items = new List<UserMemory>();
        await using var command = BindUserMemoryFilter(scope.Command(_sql.SelectUserMemories), query).BindPage(query.Limit, query.Offset);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            items.Add(SqliteMapping.ReadUserMemory(reader));
        }

        return items;
    }
}
