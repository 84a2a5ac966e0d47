using StackExchange.Redis;
using Upsonic.Storage.Backends;

namespace Upsonic.Storage.Redis;

/// <summary>Retention: Redis removes expired keys itself (every write sets the TTL again); reads filter by the storage's clock.</summary>
public sealed partial class RedisStorage
{
    /// <summary>
    /// Deletes the named sessions and profiles that have expired by this storage's clock (so a write never continues one) and, on
    /// the periodic sweep, at most <see cref="ExpirySweep.Limit"/> of each found through the all-sessions and all-profiles indexes,
    /// oldest entries first. The server's TTL removes the same keys on its own; this keeps the two in step when the clock is not
    /// the server's (a test's fake clock, clock skew).
    /// </summary>
    protected override Task DeleteExpiredCoreAsync(ExpirySweep sweep, CancellationToken cancellationToken)
    {
        return WithDatabaseAsync(async db =>
        {
            var sessionIds = sweep.SessionIds ?? await OldestAsync(db, Keys.SessionsAll, sweep).ConfigureAwait(false);
            var userIds = sweep.UserIds ?? await OldestAsync(db, Keys.UserMemoriesAll, sweep).ConfigureAwait(false);
            await Task.WhenAll(sessionIds.Select(id => RemoveSessionAsync(db, id, head => sweep.Covers(head.UpdatedAt)))).ConfigureAwait(false);
            await Task.WhenAll(userIds.Select(id => RemoveUserMemoryAsync(db, id, memory => sweep.Covers(memory.UpdatedAt)))).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <summary>Whether a session's head exists and has expired by this storage's clock.</summary>
    private async Task<bool> SessionExpiredAsync(IDatabase db, string sessionId)
    {
        var updated = await db.HashGetAsync(Keys.Session(sessionId).Head, "updated_at").ConfigureAwait(false);
        return !updated.IsNull && IsExpired(StorageClock.FromUnixMilliseconds(RedisRecords.Integer(updated, sessionId), sessionId));
    }

    /// <summary>The ids of an index whose entries were last written at or before the cutoff (candidates, checked by the caller).</summary>
    private static async Task<IReadOnlyList<string>> OldestAsync(IDatabase db, RedisKey index, ExpirySweep sweep)
    {
        var entries = await db.SortedSetRangeByScoreAsync(index, double.NegativeInfinity, sweep.CutoffMilliseconds, take: sweep.Limit).ConfigureAwait(false);
        return [.. entries.Select(e => (string)e!)];
    }
}
