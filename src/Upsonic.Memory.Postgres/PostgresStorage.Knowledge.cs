using Npgsql;
using P = Upsonic.Storage.Postgres.PostgresParameters;

namespace Upsonic.Storage.Postgres;

/// <summary>The knowledge-base document registry.</summary>
public sealed partial class PostgresStorage
{
    /// <inheritdoc />
    protected override Task<KnowledgeRow> UpsertKnowledgeContentCoreAsync(KnowledgeRow row, CancellationToken cancellationToken)
    {
        return WithConnectionAsync(async (connection, ct) =>
        {
            var now = StorageClock.Now();
            await using var command = Command(
                connection, _sql.UpsertKnowledge,
                [.. PostgresMapping.KnowledgeParameters(row), P.Long(PostgresMapping.Millis(row.CreatedAt)), P.Long(PostgresMapping.Millis(now))]);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await reader.ReadAsync(ct).ConfigureAwait(false);
            return PostgresMapping.ReadKnowledge(reader);
        }, cancellationToken);
    }

    /// <inheritdoc />
    protected override Task<KnowledgeRow?> GetKnowledgeContentCoreAsync(string id, CancellationToken cancellationToken)
    {
        return WithConnectionAsync((connection, ct) => ReadKnowledgeAsync(connection, id, ct), cancellationToken);
    }

    /// <inheritdoc />
    protected override Task<PagedResult<KnowledgeRow>> GetKnowledgeContentsCoreAsync(KnowledgeQuery query, CancellationToken cancellationToken)
    {
        return WithConnectionAsync(async (connection, ct) =>
        {
            await using var batch = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    Statement(_sql.CountKnowledge, P.Text(query.KnowledgeBaseId)),
                    Statement(
                        _sql.SelectKnowledge(query.SortBy, query.SortOrder),
                        P.Text(query.KnowledgeBaseId), P.Long(query.Limit), P.Long(RecordOrdering.KnowledgeOffset(query) ?? 0)),
                },
            };
            await using var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await reader.ReadAsync(ct).ConfigureAwait(false);
            var total = reader.GetInt64(0);
            await reader.NextResultAsync(ct).ConfigureAwait(false);
            var items = new List<KnowledgeRow>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                items.Add(PostgresMapping.ReadKnowledge(reader));
            }

            return new PagedResult<KnowledgeRow>(items, total);
        }, cancellationToken);
    }

    /// <inheritdoc />
    protected override Task<int> DeleteKnowledgeContentsCoreAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        return WithConnectionAsync(async (connection, ct) =>
        {
            await using var command = Command(connection, _sql.DeleteKnowledgeMany, P.TextArray(ids));
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    private async Task<KnowledgeRow?> ReadKnowledgeAsync(NpgsqlConnection connection, string id, CancellationToken ct)
    {
        await using var command = Command(connection, _sql.GetKnowledge, P.Text(id));
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false) ? PostgresMapping.ReadKnowledge(reader) : null;
    }
}
