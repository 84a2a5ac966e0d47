namespace Upsonic.Storage;

// The knowledge registry, with the copies that keep callers from aliasing stored state.
public sealed partial class InMemoryStorage
{
    /// <inheritdoc />
    protected override Task<KnowledgeRow> UpsertKnowledgeContentCoreAsync(KnowledgeRow row, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var now = StorageClock.Now();
            var stored = Copy(row);
            stored.CreatedAt = row.CreatedAt is { } created
                ? StorageClock.Truncate(created)
                : _knowledge.TryGetValue(row.Id, out var existing) ? existing.CreatedAt : now;
            stored.UpdatedAt = now;
            _knowledge[row.Id] = stored;
            return Task.FromResult(Copy(stored));
        }
    }

    /// <inheritdoc />
    protected override Task<KnowledgeRow?> GetKnowledgeContentCoreAsync(string id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_knowledge.TryGetValue(id, out var row) ? Copy(row) : null);
        }
    }

    /// <inheritdoc />
    protected override Task<PagedResult<KnowledgeRow>> GetKnowledgeContentsCoreAsync(KnowledgeQuery query, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var page = RecordOrdering.Page(
                _knowledge.Values.Where(r => query.KnowledgeBaseId is null || r.KnowledgeBaseId == query.KnowledgeBaseId),
                r => RecordOrdering.KnowledgeKey(r, query.SortBy), r => r.Id, query.SortOrder, query.Limit, RecordOrdering.KnowledgeOffset(query));
            return Task.FromResult(new PagedResult<KnowledgeRow>(page.Items.Select(Copy).ToList(), page.Total));
        }
    }

    /// <inheritdoc />
    protected override Task<int> DeleteKnowledgeContentsCoreAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(ids.Count(_knowledge.Remove));
        }
    }

    private static KnowledgeRow Copy(KnowledgeRow r) => new()
    {
        Id = r.Id,
        Name = r.Name,
        Description = r.Description,
        Metadata = StorageJson.Clone(r.Metadata),
        Type = r.Type,
        Size = r.Size,
        KnowledgeBaseId = r.KnowledgeBaseId,
        ContentHash = r.ContentHash,
        ChunkCount = r.ChunkCount,
        Source = r.Source,
        Status = r.Status,
        StatusMessage = r.StatusMessage,
        AccessCount = r.AccessCount,
        CreatedAt = r.CreatedAt,
        UpdatedAt = r.UpdatedAt,
    };
}
