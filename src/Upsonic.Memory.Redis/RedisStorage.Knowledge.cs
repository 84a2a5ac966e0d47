using StackExchange.Redis;

namespace Upsonic.Storage.Redis;

/// <summary>Knowledge rows in <see cref="RedisStorage"/>: one hash per row (record JSON + version), indexed by knowledge base.</summary>
public sealed partial class RedisStorage
{
    /// <inheritdoc />
    public Task<KnowledgeRow> UpsertKnowledgeContentAsync(KnowledgeRow row, CancellationToken cancellationToken = default)
    {
        StorageArguments.KnowledgeRow(row, nameof(row));
        return RunAsync("UpsertKnowledgeContent", row.Id, async db =>
        {
            await WriteSchemaAsync(db).ConfigureAwait(false);
            var key = Keys.Knowledge(row.Id);
            await WriteIndexAsync(db, AddIndexEntries(new RedisWriteBatch(), KnowledgeIndexes(row), row.Id)).ConfigureAwait(false);

            // A deep copy of the row, made once; each attempt only sets its timestamps.
            var copy = RedisRecords.ReadKnowledge(RedisRecords.KnowledgeJson(row), row.Id);

            var (stored, old) = await OptimisticAsync<(KnowledgeRow, KnowledgeRow?)>("UpsertKnowledgeContent", row.Id, async () =>
            {
                var (current, version) = await ReadKnowledgeAsync(db, row.Id).ConfigureAwait(false);
                var now = StorageClock.Now();
                copy.CreatedAt = row.CreatedAt is { } c ? StorageClock.Truncate(c) : current?.CreatedAt ?? now;
                copy.UpdatedAt = now;
                var batch = new RedisWriteBatch(key)
                    .HashSet(key, RedisRecords.JsonField, RedisRecords.KnowledgeJson(copy))
                    .HashSet(key, RedisRecords.VersionField, version + 1);
                return await batch.ExecuteAsync(db, version, Expire).ConfigureAwait(false)
                    ? (copy, current)
                    : Optional<(KnowledgeRow, KnowledgeRow?)>.Conflict;
            }).ConfigureAwait(false);

            if (old is not null)
            {
                await WriteIndexAsync(db, RemoveIndexEntries(new RedisWriteBatch(), KnowledgeIndexes(old), KnowledgeIndexes(stored), row.Id)).ConfigureAwait(false);
            }

            return stored;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<KnowledgeRow?> GetKnowledgeContentAsync(string id, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(id, nameof(id));
        return RunAsync("GetKnowledgeContent", id, async db => (await ReadKnowledgeAsync(db, id).ConfigureAwait(false)).Record, cancellationToken);
    }

    /// <inheritdoc />
    public Task<PagedResult<KnowledgeRow>> GetKnowledgeContentsAsync(KnowledgeQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new KnowledgeQuery();
        RecordOrdering.Validate(query, nameof(query));
        return RunAsync("GetKnowledgeContents", null, async db =>
        {
            var index = query.KnowledgeBaseId is null ? Keys.KnowledgeAll : Keys.KnowledgeByBase(query.KnowledgeBaseId);
            var candidates = await ReadIndexAsync(db, index).ConfigureAwait(false);
            var values = await Task.WhenAll(candidates.Select(c => db.HashGetAsync(Keys.Knowledge(c.Id), RedisRecords.JsonField))).ConfigureAwait(false);
            var matches = new List<KnowledgeRow>();
            var stale = new List<IndexEntry>();
            for (var i = 0; i < candidates.Count; i++)
            {
                var row = values[i].IsNull ? null : RedisRecords.ReadKnowledge((string)values[i]!, candidates[i].Id);
                if (row is not null && (query.KnowledgeBaseId is null || row.KnowledgeBaseId == query.KnowledgeBaseId))
                {
                    matches.Add(row);
                }
                else
                {
                    stale.Add(candidates[i]);
                }
            }

            await RemoveStaleAsync(db, stale).ConfigureAwait(false);
            return RecordOrdering.Page(matches, r => RecordOrdering.KnowledgeKey(r, query.SortBy), r => r.Id, query.SortOrder, query.Limit, RecordOrdering.KnowledgeOffset(query));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteKnowledgeContentAsync(string id, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(id, nameof(id));
        return RunAsync("DeleteKnowledgeContent", id, db => DeleteKnowledgeCoreAsync(db, id), cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> DeleteKnowledgeContentsAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        StorageArguments.Ids(ids, nameof(ids), allowEmpty: true);
        return RunAsync("DeleteKnowledgeContents", null, async db =>
        {
            var deleted = await Task.WhenAll(ids.Distinct(StringComparer.Ordinal).Select(id => DeleteKnowledgeCoreAsync(db, id))).ConfigureAwait(false);
            return deleted.Count(d => d);
        }, cancellationToken);
    }

    private async Task<bool> DeleteKnowledgeCoreAsync(IDatabase db, string id)
    {
        var old = await DeleteVersionedAsync(db, "DeleteKnowledgeContent", id, Keys.Knowledge(id), () => ReadKnowledgeAsync(db, id)).ConfigureAwait(false);
        if (old is null)
        {
            return false;
        }

        await WriteIndexAsync(db, RemoveIndexEntries(new RedisWriteBatch(), KnowledgeIndexes(old), null, id)).ConfigureAwait(false);
        return true;
    }

    private Task<(KnowledgeRow? Record, long Version)> ReadKnowledgeAsync(IDatabase db, string id) =>
        ReadVersionedAsync(db, Keys.Knowledge(id), json => RedisRecords.ReadKnowledge(json, id));

    /// <summary>The indexes that list a knowledge row.</summary>
    private IEnumerable<RedisKey> KnowledgeIndexes(KnowledgeRow row)
    {
        yield return Keys.KnowledgeAll;
        if (row.KnowledgeBaseId is not null)
        {
            yield return Keys.KnowledgeByBase(row.KnowledgeBaseId);
        }
    }
}
