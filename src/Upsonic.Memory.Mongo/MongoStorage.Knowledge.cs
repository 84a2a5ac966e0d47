using MongoDB.Driver;

namespace Upsonic.Storage.Mongo;

public sealed partial class MongoStorage
{
    /// <inheritdoc />
    public Task<KnowledgeRow> UpsertKnowledgeContentAsync(KnowledgeRow row, CancellationToken cancellationToken = default)
    {
        StorageArguments.KnowledgeRow(row, nameof(row));
        return RunAsync("UpsertKnowledgeContent", row.Id, async ct =>
        {
            var stored = await MongoFailure.RetryUpsertAsync(() => _collections.Knowledge.FindOneAndUpdateAsync(
                KnowledgeDefinitions.ById(row.Id), KnowledgeDefinitions.Upsert(row, StorageClock.Now()),
                UserMemoryDefinitions.ReturnStored(), ct)).ConfigureAwait(false);
            return KnowledgeDocuments.Read(stored);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<KnowledgeRow?> GetKnowledgeContentAsync(string id, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(id, nameof(id));
        return RunAsync("GetKnowledgeContent", id, async ct =>
        {
            var document = await _collections.Knowledge.Find(KnowledgeDefinitions.ById(id)).FirstOrDefaultAsync(ct).ConfigureAwait(false);
            return document is null ? null : KnowledgeDocuments.Read(document);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<PagedResult<KnowledgeRow>> GetKnowledgeContentsAsync(KnowledgeQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new KnowledgeQuery();
        RecordOrdering.Validate(query, nameof(query));
        return RunAsync("GetKnowledgeContents", null, async ct =>
        {
            var filter = KnowledgeDefinitions.Matching(query);
            var total = await _collections.Knowledge.CountDocumentsAsync(filter, cancellationToken: ct).ConfigureAwait(false);
            var offset = RecordOrdering.KnowledgeOffset(query);
            var documents = await _collections.Knowledge.Find(filter).Sort(KnowledgeDefinitions.Order(query.SortBy, query.SortOrder))
                .Skip(offset is > 0 ? offset : null).Limit(query.Limit).ToListAsync(ct).ConfigureAwait(false);
            return new PagedResult<KnowledgeRow>(documents.Select(KnowledgeDocuments.Read).ToList(), total);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteKnowledgeContentAsync(string id, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(id, nameof(id));
        return RunAsync("DeleteKnowledgeContent", id, async ct =>
            (await _collections.Knowledge.DeleteOneAsync(KnowledgeDefinitions.ById(id), ct).ConfigureAwait(false)).DeletedCount > 0,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> DeleteKnowledgeContentsAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        StorageArguments.Ids(ids, nameof(ids), allowEmpty: true);
        if (ids.Count == 0)
        {
            return Task.FromResult(0);
        }

        return RunAsync("DeleteKnowledgeContents", null, async ct =>
            (int)(await _collections.Knowledge.DeleteManyAsync(KnowledgeDefinitions.ByIds(ids.Distinct(StringComparer.Ordinal)), ct)
                .ConfigureAwait(false)).DeletedCount,
            cancellationToken);
    }
}
