using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Upsonic.Storage.Sqlite;

/// <summary>User profiles: one row per user id.</summary>
public sealed partial class SqliteStorage
{
    /// <inheritdoc />
    /// <remarks>All profiles are written in one transaction.</remarks>
    protected override Task<IReadOnlyList<UserMemory>> UpsertUserMemoriesCoreAsync(IReadOnlyList<UserMemory> userMemories, CancellationToken cancellationToken) =>
        InScopeAsync(write: true, async scope =>
        {
            var stored = new List<UserMemory>(userMemories.Count);
            foreach (var memory in userMemories)
            {
                stored.Add(await UpsertUserMemoryAsync(scope, memory, cancellationToken).ConfigureAwait(false));
            }

            return (IReadOnlyList<UserMemory>)stored;
        }, cancellationToken);

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
    protected override Task<PagedResult<UserMemory>> GetUserMemoriesCoreAsync(UserMemoryQuery query, CancellationToken cancellationToken) =>
        InScopeAsync(write: false, async scope =>
        {
            long total;
            await using (var count = BindUserMemoryFilter(scope.Command(_sql.CountUserMemories), query))
            {
                total = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            }

            var items = await ReadUserMemoriesAsync(scope, query, cancellationToken).ConfigureAwait(false);
            return new PagedResult<UserMemory>(items, total);
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<int> DeleteUserMemoriesCoreAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken) =>
        InScopeAsync(write: true, async scope =>
        {
            await using var command = scope.Command(_sql.DeleteUserMemories).BindIds("@user_ids", userIds);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>Read, merge (<see cref="ProfileMerge"/>) and write happen in one <c>BEGIN IMMEDIATE</c> transaction.</remarks>
    protected override Task<UserMemory> UpdateUserProfileCoreAsync(ProfileUpdate update, CancellationToken cancellationToken) =>
        InScopeAsync(write: true, async scope =>
        {
            JsonObject? current = null;
            await using (var read = scope.Command(_sql.SelectProfile).Bind("@user_id", update.UserId))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    current = StorageJson.DeserializeObject(reader.GetString(0), update.UserId, "user_memory");
                }
            }

            var merged = new UserMemory
            {
                UserId = update.UserId,
                Profile = ProfileMerge.Apply(current, update.Traits, update.Mode),
                AgentId = update.AgentId,
                TeamId = update.TeamId,
            };
            return await UpsertUserMemoryAsync(scope, merged, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    private SqliteCommand BindUserMemoryFilter(SqliteCommand command, UserMemoryQuery query) =>
        command.Bind("@live_after", ExpiryCutoffMilliseconds()).BindIds("@user_ids", query.UserIds).Bind("@agent_id", query.AgentId).Bind("@team_id", query.TeamId);

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
