using Npgsql;
using P = Upsonic.Storage.Postgres.PostgresParameters;

namespace Upsonic.Storage.Postgres;

/// <summary>The knowledge-base document registry.</summary>
public sealed partial class PostgresStorage
{
    /// <inheritdoc />
    public Task<KnowledgeRow> UpsertKnowledgeContentAsync(KnowledgeRow row, CancellationToken cancellationToken = default)
    {
        StorageArguments.KnowledgeRow(row, nameof(row));
        return RunAsync("UpsertKnowledgeContent", row.Id, async (connection, ct) =>
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
    public Task<KnowledgeRow?> GetKnowledgeContentAsync(string id, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(id, nameof(id));
        return RunAsync("GetKnowledgeContent", id, (connection, ct) => GetKnowledgeCoreAsync(connection, id, ct), cancellationToken);
    }

    /// <inheritdoc />
    public Task<PagedResult<KnowledgeRow>> GetKnowledgeContentsAsync(KnowledgeQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new KnowledgeQuery();
        RecordOrdering.Validate(query, nameof(query));
        return RunAsync("GetKnowledgeContents", null, async (connection, ct) =>
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
    public Task<bool> DeleteKnowledgeContentAsync(string id, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(id, nameof(id));
        return RunAsync("DeleteKnowledgeContent", id, async (connection, ct) =>
        {
            await using var command = Command(connection, _sql.DeleteKnowledge, P.Text(id));
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> DeleteKnowledgeContentsAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        StorageArguments.Ids(ids, nameof(ids), allowEmpty: true);
        if (ids.Count == 0)
        {
            return Task.FromResult(0);
        }

        return RunAsync("DeleteKnowledgeContents", null, async (connection, ct) =>
        {
            await using var command = Command(connection, _sql.DeleteKnowledgeMany, P.TextArray(ids));
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    private async Task<KnowledgeRow?> GetKnowledgeCoreAsync(NpgsqlConnection connection, string id, CancellationToken ct)
    {
        await using var command = Command(connection, _sql.GetKnowledge, P.Text(id));
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false) ? PostgresMapping.ReadKnowledge(reader) : null;
    }
}
