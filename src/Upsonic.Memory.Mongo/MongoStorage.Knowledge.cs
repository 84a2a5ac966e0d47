using MongoDB.Driver;

namespace Upsonic.Storage.Mongo;

public sealed partial class MongoStorage
{
    /// <inheritdoc />
    protected override async Task<KnowledgeRow> UpsertKnowledgeContentCoreAsync(KnowledgeRow row, CancellationToken cancellationToken)
    {
        var stored = await MongoFailure.RetryUpsertAsync(() => _collections.Knowledge.FindOneAndUpdateAsync(
            KnowledgeDefinitions.ById(row.Id), KnowledgeDefinitions.Upsert(row, StorageClock.Now()),
            UserMemoryDefinitions.ReturnStored(), cancellationToken)).ConfigureAwait(false);
        return KnowledgeDocuments.Read(stored);
    }

    /// <inheritdoc />
    protected override async Task<KnowledgeRow?> GetKnowledgeContentCoreAsync(string id, CancellationToken cancellationToken)
    {
        var document = await _collections.Knowledge.Find(KnowledgeDefinitions.ById(id)).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return document is null ? null : KnowledgeDocuments.Read(document);
    }

    /// <inheritdoc />
    protected override async Task<PagedResult<KnowledgeRow>> GetKnowledgeContentsCoreAsync(KnowledgeQuery query, CancellationToken cancellationToken)
    {
        var filter = KnowledgeDefinitions.Matching(query);
        var total = await _collections.Knowledge.CountDocumentsAsync(filter, cancellationToken: cancellationToken).ConfigureAwait(false);
        var offset = RecordOrdering.KnowledgeOffset(query);
        var documents = await _collections.Knowledge.Find(filter).Sort(KnowledgeDefinitions.Order(query.SortBy, query.SortOrder))
            .Skip(offset is > 0 ? offset : null).Limit(query.Limit).ToListAsync(cancellationToken).ConfigureAwait(false);
        return new PagedResult<KnowledgeRow>(documents.Select(KnowledgeDocuments.Read).ToList(), total);
    }

    /// <inheritdoc />
    protected override async Task<int> DeleteKnowledgeContentsCoreAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        return (int)(await _collections.Knowledge.DeleteManyAsync(KnowledgeDefinitions.ByIds(ids), cancellationToken)
            .ConfigureAwait(false)).DeletedCount;
    }
}
