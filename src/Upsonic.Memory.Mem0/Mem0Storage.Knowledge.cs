namespace Upsonic.Storage.Mem0;

// The knowledge registry: one Mem0 record per row.
public sealed partial class Mem0Storage
{
    /// <inheritdoc />
    protected override Task<KnowledgeRow> UpsertKnowledgeContentCoreAsync(KnowledgeRow row, CancellationToken cancellationToken) =>
        UnderGateAsync(_knowledge, row.Id, async () =>
        {
            var existing = await _knowledge.GetAsync(row.Id, cancellationToken).ConfigureAwait(false);
            var now = StorageClock.Now();
            var stored = Deserialize<KnowledgeRow>(new Mem0StoredRecord(existing?.Main ?? new Mem0Memory("", []), [], Serialize(row), row.Id));
            stored.CreatedAt = row.CreatedAt is { } created
                ? StorageClock.Truncate(created)
                : (existing is null ? null : Deserialize<KnowledgeRow>(existing).CreatedAt) ?? now;
            stored.UpdatedAt = now;
            await WriteKnowledgeAsync(stored, existing, cancellationToken).ConfigureAwait(false);
            return stored;
        }, cancellationToken);

    /// <inheritdoc />
    protected override async Task<KnowledgeRow?> GetKnowledgeContentCoreAsync(string id, CancellationToken cancellationToken) =>
        await _knowledge.GetAsync(id, cancellationToken).ConfigureAwait(false) is { } record ? Deserialize<KnowledgeRow>(record) : null;

    /// <inheritdoc />
    protected override async Task<PagedResult<KnowledgeRow>> GetKnowledgeContentsCoreAsync(KnowledgeQuery query, CancellationToken cancellationToken)
    {
        var all = (await _knowledge.ListAsync(null, cancellationToken).ConfigureAwait(false)).Select(l => l.Then(Deserialize<KnowledgeRow>));
        return PageListed(all,
            r => query.KnowledgeBaseId is null || r.KnowledgeBaseId == query.KnowledgeBaseId,
            main => StoredFieldMayBe(main, "knowledge_base_id", query.KnowledgeBaseId),
            r => RecordOrdering.KnowledgeKey(r, query.SortBy),
            main => StoredSortKey(main, query.SortBy),
            r => r.Id, query.SortOrder, query.Limit, RecordOrdering.KnowledgeOffset(query), r => r);
    }

    /// <inheritdoc />
    protected override async Task<int> DeleteKnowledgeContentsCoreAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var deleted = 0;
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            if (await UnderGateAsync(_knowledge, id, () => _knowledge.DeleteAsync(id, cancellationToken), cancellationToken).ConfigureAwait(false))
            {
                deleted++;
            }
        }

        return deleted;
    }

    /// <summary>Writes a knowledge row as given (its timestamps set) over the existing record, if any.</summary>
    private Task WriteKnowledgeAsync(KnowledgeRow stored, Mem0StoredRecord? existing, CancellationToken ct)
    {
        KeyValuePair<string, string?>[] fields =
        [
            new("knowledge_base_id", stored.KnowledgeBaseId ?? ""),
            new("document_id", stored.Id),
            new("status", stored.Status ?? ""),
            new("created_at", Iso(stored.CreatedAt)),
            new("updated_at", Iso(stored.UpdatedAt)),
        ];
        return _knowledge.PutAsync(stored.Id, fields, Serialize(stored), existing, ct);
    }
}
