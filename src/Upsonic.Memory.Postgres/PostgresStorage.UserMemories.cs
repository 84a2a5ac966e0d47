using Npgsql;
using P = Upsonic.Storage.Postgres.PostgresParameters;

namespace Upsonic.Storage.Postgres;

/// <summary>The user-memory record API: one profile row per user.</summary>
public sealed partial class PostgresStorage
{
    /// <inheritdoc />
    public Task<UserMemory> UpsertUserMemoryAsync(UserMemory userMemory, CancellationToken cancellationToken = default)
    {
        StorageArguments.UserMemory(userMemory, nameof(userMemory));
        return RunAsync("UpsertUserMemory", userMemory.UserId, async (connection, ct) =>
        {
            await using var batch = new NpgsqlBatch(connection) { BatchCommands = { UpsertUserMemoryStatement(userMemory, StorageClock.Now()) } };
            return (await ReadUserMemoriesAsync(batch, ct).ConfigureAwait(false))[0];
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>One batch, so all profiles are written in one implicit transaction.</remarks>
    public Task<IReadOnlyList<UserMemory>> UpsertUserMemoriesAsync(IEnumerable<UserMemory> userMemories, CancellationToken cancellationToken = default)
    {
        var list = StorageArguments.UserMemories(userMemories, nameof(userMemories));
        if (list.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<UserMemory>>([]);
        }

        return RunAsync<IReadOnlyList<UserMemory>>("UpsertUserMemories", list[0].UserId, async (connection, ct) =>
        {
            var now = StorageClock.Now();
            await using var batch = new NpgsqlBatch(connection);
            foreach (var memory in list)
            {
                batch.BatchCommands.Add(UpsertUserMemoryStatement(memory, now));
            }

            return await ReadUserMemoriesAsync(batch, ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<UserMemory?> GetUserMemoryAsync(string? userId = null, string? agentId = null, string? teamId = null, CancellationToken cancellationToken = default)
    {
        var query = RecordOrdering.LatestUserMemory(userId, agentId, teamId);
        return RunAsync("GetUserMemory", userId, async (connection, ct) =>
            (await PageUserMemoriesAsync(connection, query, ct).ConfigureAwait(false)).Items.FirstOrDefault(), cancellationToken);
    }

    /// <inheritdoc />
    public Task<PagedResult<UserMemory>> GetUserMemoriesAsync(UserMemoryQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new UserMemoryQuery();
        StorageArguments.Paging(query.Limit, query.Offset, nameof(query));
        return RunAsync("GetUserMemories", null, (connection, ct) => PageUserMemoriesAsync(connection, query, ct), cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteUserMemoryAsync(string userId, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(userId, nameof(userId));
        return RunAsync("DeleteUserMemory", userId, async (connection, ct) =>
        {
            await using var command = Command(connection, _sql.DeleteUserMemory, P.Text(userId));
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> DeleteUserMemoriesAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default)
    {
        StorageArguments.Ids(userIds, nameof(userIds));
        return RunAsync("DeleteUserMemories", null, async (connection, ct) =>
        {
            await using var command = Command(connection, _sql.DeleteUserMemories, P.TextArray(userIds));
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    private NpgsqlBatchCommand UpsertUserMemoryStatement(UserMemory memory, DateTimeOffset now)
    {
        // created_at: the stored one is kept by the ON CONFLICT clause; for a new row the given one (truncated to ms) or now.
        var nowMs = PostgresMapping.Millis(now);
        return Statement(
            _sql.UpsertUserMemory, P.Text(memory.UserId), P.Jsonb(PostgresText.EncodeObject(memory.Profile ?? [])), P.Text(memory.AgentId),
            P.Text(memory.TeamId), P.Long(PostgresMapping.Millis(memory.CreatedAt) ?? nowMs), P.Long(nowMs));
    }

    private static async Task<IReadOnlyList<UserMemory>> ReadUserMemoriesAsync(NpgsqlBatch batch, CancellationToken ct)
    {
        var result = new List<UserMemory>(batch.BatchCommands.Count);
        await using var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
        do
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                result.Add(PostgresMapping.ReadUserMemory(reader));
            }
        }
        while (await reader.NextResultAsync(ct).ConfigureAwait(false));

        return result;
    }

    private async Task<PagedResult<UserMemory>> PageUserMemoriesAsync(NpgsqlConnection connection, UserMemoryQuery query, CancellationToken ct)
    {
        NpgsqlParameter[] Filters() => [P.TextArray(query.UserIds), P.Text(query.AgentId), P.Text(query.TeamId)];
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                Statement(_sql.CountUserMemories, Filters()),
                Statement(_sql.SelectUserMemories, [.. Filters(), P.Long(query.Limit), P.Long(query.Offset ?? 0)]),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await reader.ReadAsync(ct).ConfigureAwait(false);
        var total = reader.GetInt64(0);
        await reader.NextResultAsync(ct).ConfigureAwait(false);
        var items = new List<UserMemory>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            items.Add(PostgresMapping.ReadUserMemory(reader));
        }

        return new PagedResult<UserMemory>(items, total);
    }
}
