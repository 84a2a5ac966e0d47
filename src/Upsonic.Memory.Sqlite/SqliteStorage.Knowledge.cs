using System.Globalization;

namespace Upsonic.Storage.Sqlite;

/// <summary>The knowledge-base document registry: rows by id.</summary>
public sealed partial class SqliteStorage
{
    /// <inheritdoc />
    public async Task<KnowledgeRow> UpsertKnowledgeContentAsync(KnowledgeRow row, CancellationToken cancellationToken = default)
    {
        StorageArguments.KnowledgeRow(row, nameof(row));
        return await RunAsync("UpsertKnowledgeContent", row.Id, write: true, ensureSchema: true, async scope =>
        {
            var now = StorageClock.Now();
            var metadata = StorageJson.SerializeObject(row.Metadata);
            await using var command = scope.Command(_sql.UpsertKnowledge)
                .Bind("@id", row.Id).Bind("@name", row.Name).Bind("@description", row.Description).Bind("@metadata", metadata)
                .Bind("@type", row.Type).Bind("@size", row.Size).Bind("@knowledge_base_id", row.KnowledgeBaseId)
                .Bind("@content_hash", row.ContentHash).Bind("@chunk_count", row.ChunkCount).Bind("@source", row.Source)
                .Bind("@status", row.Status).Bind("@status_message", row.StatusMessage).Bind("@access_count", row.AccessCount)
                .BindTime("@created_at", row.CreatedAt ?? now).Bind("@created_given", row.CreatedAt is null ? 0 : 1).BindTime("@updated_at", now);
            var createdAt = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            return new KnowledgeRow
            {
                Id = row.Id,
                Name = row.Name,
                Description = row.Description,
                Metadata = StorageJson.DeserializeObject(metadata, row.Id, "metadata"),
                Type = row.Type,
                Size = row.Size,
                KnowledgeBaseId = row.KnowledgeBaseId,
                ContentHash = row.ContentHash,
                ChunkCount = row.ChunkCount,
                Source = row.Source,
                Status = row.Status,
                StatusMessage = row.StatusMessage,
                AccessCount = row.AccessCount,
                CreatedAt = StorageClock.FromUnixMilliseconds(createdAt),
                UpdatedAt = now,
            };
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<KnowledgeRow?> GetKnowledgeContentAsync(string id, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(id, nameof(id));
        return await RunAsync("GetKnowledgeContent", id, write: false, ensureSchema: true, async scope =>
        {
            await using var command = scope.Command(_sql.SelectKnowledge).Bind("@id", id);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? SqliteMapping.ReadKnowledge(reader) : null;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<PagedResult<KnowledgeRow>> GetKnowledgeContentsAsync(KnowledgeQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new KnowledgeQuery();
        RecordOrdering.Validate(query, nameof(query));
        return await RunAsync("GetKnowledgeContents", null, write: false, ensureSchema: true, async scope =>
        {
            long total;
            await using (var count = scope.Command(_sql.CountKnowledge).Bind("@knowledge_base_id", query.KnowledgeBaseId))
            {
                total = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            }

            var items = new List<KnowledgeRow>();
            await using var command = scope.Command(_sql.SelectKnowledgeRows(query.SortBy, query.SortOrder))
                .Bind("@knowledge_base_id", query.KnowledgeBaseId).BindPage(query.Limit, RecordOrdering.KnowledgeOffset(query));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add(SqliteMapping.ReadKnowledge(reader));
            }

            return new PagedResult<KnowledgeRow>(items, total);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteKnowledgeContentAsync(string id, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(id, nameof(id));
        return await RunAsync("DeleteKnowledgeContent", id, write: true, ensureSchema: true, async scope =>
        {
            await using var command = scope.Command(_sql.DeleteKnowledge).Bind("@id", id);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<int> DeleteKnowledgeContentsAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        StorageArguments.Ids(ids, nameof(ids), allowEmpty: true);
        if (ids.Count == 0)
        {
            return 0;
        }

        return await RunAsync("DeleteKnowledgeContents", null, write: true, ensureSchema: true, async scope =>
        {
            await using var command = scope.Command(_sql.DeleteKnowledgeMany).BindIds("@ids", ids.Distinct(StringComparer.Ordinal));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }
}
