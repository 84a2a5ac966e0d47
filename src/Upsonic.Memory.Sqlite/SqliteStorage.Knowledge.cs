using System.Globalization;

namespace Upsonic.Storage.Sqlite;

/// <summary>The knowledge-base document registry: rows by id.</summary>
public sealed partial class SqliteStorage
{
    /// <inheritdoc />
    protected override Task<KnowledgeRow> UpsertKnowledgeContentCoreAsync(KnowledgeRow row, CancellationToken cancellationToken) =>
        InScopeAsync(write: true, async scope =>
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
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<KnowledgeRow?> GetKnowledgeContentCoreAsync(string id, CancellationToken cancellationToken) =>
        InScopeAsync(write: false, async scope =>
        {
            await using var command = scope.Command(_sql.SelectKnowledge).Bind("@id", id);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? SqliteMapping.ReadKnowledge(reader) : null;
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<PagedResult<KnowledgeRow>> GetKnowledgeContentsCoreAsync(KnowledgeQuery query, CancellationToken cancellationToken) =>
        InScopeAsync(write: false, async scope =>
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
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<int> DeleteKnowledgeContentsCoreAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken) =>
        InScopeAsync(write: true, async scope =>
        {
            await using var command = scope.Command(_sql.DeleteKnowledgeMany).BindIds("@ids", ids);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
}
