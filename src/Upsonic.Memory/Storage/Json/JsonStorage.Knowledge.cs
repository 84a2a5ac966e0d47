namespace Upsonic.Storage;

// The knowledge registry: one file per row, replaced atomically.
public sealed partial class JsonStorage
{
    /// <inheritdoc />
    protected override Task<KnowledgeRow> UpsertKnowledgeContentCoreAsync(KnowledgeRow row, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            var path = JsonFiles.Record(KnowledgeDirectory, row.Id);
            var now = StorageClock.Now();
            var stored = JsonRecords.Deserialize<KnowledgeRow>(JsonRecords.Serialize(row), path);
            stored.CreatedAt = row.CreatedAt is { } created ? StorageClock.Truncate(created) : ReadKnowledge(path)?.CreatedAt ?? now;
            stored.UpdatedAt = now;
            JsonFiles.ReplaceAtomically(path, JsonRecords.Serialize(stored));
            return stored;
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<KnowledgeRow?> GetKnowledgeContentCoreAsync(string id, CancellationToken cancellationToken) =>
        LockedAsync(() => ReadKnowledge(JsonFiles.Record(KnowledgeDirectory, id)), cancellationToken);

    /// <inheritdoc />
    protected override Task<PagedResult<KnowledgeRow>> GetKnowledgeContentsCoreAsync(KnowledgeQuery query, CancellationToken cancellationToken) =>
        LockedAsync(() => RecordOrdering.Page(
            JsonFiles.List(KnowledgeDirectory, ".json").Select(ReadKnowledge).OfType<KnowledgeRow>()
                .Where(r => query.KnowledgeBaseId is null || r.KnowledgeBaseId == query.KnowledgeBaseId),
            r => RecordOrdering.KnowledgeKey(r, query.SortBy), r => r.Id, query.SortOrder, query.Limit, RecordOrdering.KnowledgeOffset(query)),
            cancellationToken);

    /// <inheritdoc />
    protected override Task<int> DeleteKnowledgeContentsCoreAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            var deleted = 0;
            foreach (var id in ids)
            {
                var path = JsonFiles.Record(KnowledgeDirectory, id);
                if (File.Exists(path))
                {
                    File.Delete(path);
                    deleted++;
                }
            }

            return deleted;
        }, cancellationToken);

    private static KnowledgeRow? ReadKnowledge(string path) =>
        JsonFiles.ReadIfExists(path) is { } bytes ? JsonRecords.Deserialize<KnowledgeRow>(bytes, path) : null;
}
