using StackExchange.Redis;

namespace Upsonic.Storage.Redis;

/// <summary>The index and retry plumbing shared by every record type of <see cref="RedisStorage"/>.</summary>
public sealed partial class RedisStorage
{
    private const int MaxAttempts = 500;

    /// <summary>One index entry as read: the index key, the record id, and when the entry was last written (its score).</summary>
    private readonly record struct IndexEntry(RedisKey Index, string Id, double WrittenAt);

    /// <summary>Reads every entry of an index sorted set. Entries are hints: callers check each against its record.</summary>
    private static async Task<List<IndexEntry>> ReadIndexAsync(IDatabase db, RedisKey index)
    {
        var entries = await db.SortedSetRangeByRankWithScoresAsync(index).ConfigureAwait(false);
        return entries.Select(e => new IndexEntry(index, (string)e.Element!, e.Score)).ToList();
    }

    /// <summary>
    /// The records a listing considers: the given ids when the query names them (never treated as stale), else every entry of the
    /// most selective index <paramref name="index"/> picks.
    /// </summary>
    private static async Task<List<IndexEntry>> CandidatesAsync(IDatabase db, IReadOnlyCollection<string>? ids, Func<RedisKey> index) =>
        ids is not null
            ? ids.Distinct(StringComparer.Ordinal).Select(id => new IndexEntry(default, id, double.MaxValue)).ToList()
            : await ReadIndexAsync(db, index()).ConfigureAwait(false);

    /// <summary>
    /// Removes index entries whose record is gone or no longer matches, but only entries older than <see cref="IndexGrace"/> and
    /// not re-added since they were read, so an entry written just before its record is never removed.
    /// </summary>
    private async Task RemoveStaleAsync(IDatabase db, IEnumerable<IndexEntry> stale)
    {
        var cutoff = NowMillis() - IndexGrace.TotalMilliseconds;
        var batch = new RedisWriteBatch();
        foreach (var entry in stale.Where(e => e.WrittenAt <= cutoff))
        {
            batch.SortedSetRemoveIfOlder(entry.Index, entry.Id, entry.WrittenAt);
        }

        if (!batch.IsEmpty)
        {
            await batch.ExecuteAsync(db, null, null).ConfigureAwait(false);
        }
    }

    /// <summary>Adds (or refreshes) the record's entry in each index, scored by the time of writing.</summary>
    private RedisWriteBatch AddIndexEntries(RedisWriteBatch batch, IEnumerable<RedisKey> indexes, string id)
    {
        var now = NowMillis();
        foreach (var index in indexes)
        {
            batch.SortedSetAdd(index, id, now);
        }

        return batch;
    }

    /// <summary>Removes the record's entry from each index it had (<paramref name="old"/>) and no longer has (<paramref name="current"/>; null when deleted).</summary>
    private static RedisWriteBatch RemoveIndexEntries(RedisWriteBatch batch, IEnumerable<RedisKey> old, IEnumerable<RedisKey>? current, string id)
    {
        var keep = current?.ToHashSet() ?? [];
        foreach (var index in old.Where(i => !keep.Contains(i)))
        {
            batch.SortedSetRemove(index, id);
        }

        return batch;
    }

    /// <summary>
    /// Deletes a record kept as one versioned key: read it, then delete it only if its version did not change. Returns the deleted
    /// record (for its index entries), or null when there was none.
    /// </summary>
    private static Task<T?> DeleteVersionedAsync<T>(IDatabase db, string operation, string id, RedisKey key, Func<Task<(T? Record, long Version)>> read)
        where T : class =>
        OptimisticAsync<T?>(operation, id, async () =>
        {
            var (current, version) = await read().ConfigureAwait(false);
            if (current is null)
            {
                return (T?)null;
            }

            return await new RedisWriteBatch(key).Delete(key).ExecuteAsync(db, version, null).ConfigureAwait(false)
                ? current
                : Optional<T?>.Conflict;
        });

    /// <summary>Reads a record kept as one versioned key: its JSON parsed by <paramref name="parse"/>, and its version (0 when missing).</summary>
    private static async Task<(T? Record, long Version)> ReadVersionedAsync<T>(IDatabase db, RedisKey key, Func<string, T> parse)
        where T : class
    {
        var values = await db.HashGetAsync(key, [RedisRecords.JsonField, RedisRecords.VersionField]).ConfigureAwait(false);
        return values[0].IsNull ? (null, 0) : (parse((string)values[0]!), (long)values[1]);
    }

    /// <summary>Runs an index batch (all keys under the index hash tag), refreshing the TTL of every index key it touches.</summary>
    private Task WriteIndexAsync(IDatabaseAsync db, RedisWriteBatch batch) =>
        batch.IsEmpty ? Task.CompletedTask : batch.ExecuteAsync(db, null, Expire);

    /// <summary>
    /// Repeats a read-then-compare-and-set attempt until it is not in conflict with another writer. An attempt returns null on a
    /// version conflict; a short random pause after the first conflicts spreads out writers that keep colliding.
    /// </summary>
    private static async Task<T> OptimisticAsync<T>(string operation, string recordId, Func<Task<Optional<T>>> attempt)
    {
        for (var i = 1; i <= MaxAttempts; i++)
        {
            var result = await attempt().ConfigureAwait(false);
            if (result.HasValue)
            {
                return result.Value;
            }

            if (i > 2)
            {
                await Task.Delay(Random.Shared.Next(1, Math.Min(i, 20))).ConfigureAwait(false);
            }
        }

        throw new StorageException($"Redis operation {operation} for '{recordId}' gave up after {MaxAttempts} conflicting concurrent writes.", null, operation, recordId);
    }

    /// <summary>The outcome of one optimistic attempt: a value, or <see cref="Conflict"/>.</summary>
    private readonly record struct Optional<T>(bool HasValue, T Value)
    {
        public static Optional<T> Conflict => default;

        public static implicit operator Optional<T>(T value) => new(true, value);
    }
}
