using Npgsql;
using P = Upsonic.Storage.Postgres.PostgresParameters;

namespace Upsonic.Storage.Postgres;

/// <summary>The user-memory record API: one profile row per user.</summary>
public sealed partial class PostgresStorage
{
    /// <inheritdoc />
    /// <remarks>One batch, so all profiles are written in one implicit transaction.</remarks>
    protected override Task<IReadOnlyList<UserMemory>> UpsertUserMemoriesCoreAsync(IReadOnlyList<UserMemory> userMemories, CancellationToken cancellationToken)
    {
        return WithConnectionAsync<IReadOnlyList<UserMemory>>(async (connection, ct) =>
        {
            var now = StorageClock.Now();
            await using var batch = new NpgsqlBatch(connection);
            foreach (var memory in userMemories)
            {
                batch.BatchCommands.Add(UpsertUserMemoryStatement(memory, now));
            }

            return await ReadUserMemoriesAsync(batch, ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    protected override Task<PagedResult<UserMemory>> GetUserMemoriesCoreAsync(UserMemoryQuery query, CancellationToken cancellationToken)
    {
        return WithConnectionAsync((connection, ct) => PageUserMemoriesAsync(connection, query, ct), cancellationToken);
    }

    /// <inheritdoc />
    protected override Task<int> DeleteUserMemoriesCoreAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken)
    {
        return WithConnectionAsync(async (connection, ct) =>
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
        NpgsqlParameter[] Filters() => [P.TextArray(query.UserIds), P.Text(query.AgentId), P.Text(query.TeamId), P.Long(ExpiryCutoffMilliseconds())];
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
