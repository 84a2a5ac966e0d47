using System.Text.Json;

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
    /// <remarks>A file that cannot be read is reported in <see cref="PagedResult{T}.UnreadableRecords"/> (and counted in the total:
    /// its filter fields cannot be read either).</remarks>
    protected override Task<PagedResult<KnowledgeRow>> GetKnowledgeContentsCoreAsync(KnowledgeQuery query, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            var readable = new List<KnowledgeRow>();
            var unreadable = new List<StorageException>();
            foreach (var path in JsonFiles.List(KnowledgeDirectory, ".json"))
            {
                try
                {
                    if (ReadKnowledge(path) is { } row && (query.KnowledgeBaseId is null || row.KnowledgeBaseId == query.KnowledgeBaseId))
                    {
                        readable.Add(row);
                    }
                }
                catch (StorageException ex) when (ex.IsCorruptData)
                {
                    unreadable.Add(ex);
                }
            }

            var page = RecordOrdering.Page(readable, r => RecordOrdering.KnowledgeKey(r, query.SortBy), r => r.Id, query.SortOrder, query.Limit, RecordOrdering.KnowledgeOffset(query));
            return page with { Total = page.Total + unreadable.Count, UnreadableRecords = unreadable };
        }, cancellationToken);

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

    /// <summary>A knowledge file, or null when it does not exist; one that cannot be read is corrupt data naming the row (its id
    /// when the text still holds one, else the file name).</summary>
    private static KnowledgeRow? ReadKnowledge(string path)
    {
        if (JsonFiles.ReadIfExists(path) is not { } bytes)
        {
            return null;
        }

        try
        {
            return JsonRecords.Deserialize<KnowledgeRow>(bytes, path);
        }
        catch (JsonException ex)
        {
            var id = JsonRecords.IdOf(bytes, nameof(KnowledgeRow.Id)) ?? Path.GetFileName(path);
            throw StorageException.CorruptData($"The stored knowledge row '{id}' cannot be read: {ex.Message}", ex, "ReadKnowledgeContent", id);
        }
    }
}
