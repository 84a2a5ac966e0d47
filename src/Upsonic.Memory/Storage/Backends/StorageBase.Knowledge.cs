namespace Upsonic.Storage.Backends;

// The knowledge registry: the public members check and wrap; one delete is the plural core with one id.
public abstract partial class StorageBase
{
    /// <inheritdoc />
    public Task<KnowledgeRow> UpsertKnowledgeContentAsync(KnowledgeRow row, CancellationToken cancellationToken = default)
    {
        StorageArguments.KnowledgeRow(row, nameof(row));
        return ExecuteAsync("UpsertKnowledgeContent", row.Id, needsSchema: true, ct => UpsertKnowledgeContentCoreAsync(row, ct), cancellationToken);
    }

    /// <inheritdoc />
    public Task<KnowledgeRow?> GetKnowledgeContentAsync(string id, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(id, nameof(id));
        return ExecuteAsync("GetKnowledgeContent", id, needsSchema: true, ct => GetKnowledgeContentCoreAsync(id, ct), cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>A row that cannot be read is left out and reported in <see cref="PagedResult{T}.UnreadableRecords"/>, logged and
    /// counted (see <see cref="Logger"/>).</remarks>
    public Task<PagedResult<KnowledgeRow>> GetKnowledgeContentsAsync(KnowledgeQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new KnowledgeQuery();
        RecordOrdering.Validate(query, nameof(query));
        return ExecuteAsync("GetKnowledgeContents", null, needsSchema: true, ct => ListReadableAsync("GetKnowledgeContents", query.Limit, RecordOrdering.KnowledgeOffset(query) ?? 0, anyRange: false,
            (limit, offset, c) => GetKnowledgeContentsCoreAsync(query with { Limit = limit, Page = limit is > 0 ? (offset / limit) + 1 : 1 }, c), ct), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteKnowledgeContentAsync(string id, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(id, nameof(id));
        return await ExecuteAsync("DeleteKnowledgeContent", id, needsSchema: true, ct => DeleteKnowledgeContentsCoreAsync([id], ct), cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc />
    public async Task<int> DeleteKnowledgeContentsAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        StorageArguments.Ids(ids, nameof(ids), allowEmpty: true);
        var distinct = ids.Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count == 0)
        {
            return 0;
        }

        return await ExecuteAsync("DeleteKnowledgeContents", null, needsSchema: true, ct => DeleteKnowledgeContentsCoreAsync(distinct, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Inserts or replaces a knowledge row by id: a given created_at kept (else the stored one, else now), updated_at now.</summary>
    /// <param name="row">A checked row.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    protected abstract Task<KnowledgeRow> UpsertKnowledgeContentCoreAsync(KnowledgeRow row, CancellationToken cancellationToken);

    /// <summary>Reads a knowledge row by id.</summary>
    /// <param name="id">A valid id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    protected abstract Task<KnowledgeRow?> GetKnowledgeContentCoreAsync(string id, CancellationToken cancellationToken);

    /// <summary>Lists knowledge rows: filter, order, 1-based pages (<see cref="RecordOrdering.KnowledgeOffset"/>) and the total.</summary>
    /// <param name="query">A checked query.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    protected abstract Task<PagedResult<KnowledgeRow>> GetKnowledgeContentsCoreAsync(KnowledgeQuery query, CancellationToken cancellationToken);

    /// <summary>Deletes knowledge rows. Returns how many existed.</summary>
    /// <param name="ids">Distinct, valid ids (at least one).</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    protected abstract Task<int> DeleteKnowledgeContentsCoreAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken);
}
