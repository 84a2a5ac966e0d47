using MongoDB.Driver;
using Upsonic.Storage.Backends;

namespace Upsonic.Storage.Mongo;

// Retention: expired heads and profiles are filtered out by every read and deleted here, in bounded batches. Not a TTL index: a
// session's messages and runs carry no time of the session's last write, so a TTL index on heads would orphan them.
public sealed partial class MongoStorage
{
    /// <summary>Deletes expired sessions (messages and runs first, then the heads, as every delete here) and profiles: the named
    /// ones, or at most <see cref="ExpirySweep.Limit"/> of each, through the <c>updated_at</c> field.</summary>
    /// <remarks>A session another writer revives while it is swept keeps that write: only the messages and runs numbered up to the
    /// counters of the expired head are deleted (a write adds rows above them), and the head only while its <c>updated_at</c> is
    /// still expired. Without a multi-document transaction the revived session loses its expired rows, as a write to an expired
    /// session would (it starts afresh).</remarks>
    protected override async Task DeleteExpiredCoreAsync(ExpirySweep sweep, CancellationToken cancellationToken)
    {
        if (sweep.SessionIds is not { Count: 0 })
        {
            var heads = await _collections.Sessions.Find(SessionDefinitions.Expired(sweep.Cutoff, sweep.SessionIds)).Project(SessionDefinitions.IdAndCounters())
                .Limit(Math.Max(sweep.Limit, sweep.SessionIds?.Count ?? 0)).ToListAsync(cancellationToken).ConfigureAwait(false);
            if (heads.Count > 0)
            {
                var counted = heads.Select(h => (
                    Id: h[SessionDocuments.Id].AsString,
                    Messages: BsonFields.GetLong(h, SessionDocuments.MessageCount, long.MaxValue),
                    Runs: BsonFields.GetLong(h, SessionDocuments.RunCount, long.MaxValue))).ToList();
                await _collections.Messages.DeleteManyAsync(MessageDefinitions.UpTo(counted.Select(c => (c.Id, c.Messages))), cancellationToken).ConfigureAwait(false);
                await _collections.Runs.DeleteManyAsync(RunDefinitions.UpTo(counted.Select(c => (c.Id, c.Runs))), cancellationToken).ConfigureAwait(false);
                await _collections.Sessions.DeleteManyAsync(SessionDefinitions.Expired(sweep.Cutoff, [.. counted.Select(c => c.Id)]), cancellationToken).ConfigureAwait(false);
            }
        }

        if (sweep.UserIds is not { Count: 0 })
        {
            var ids = (await _collections.UserMemories.Find(UserMemoryDefinitions.Expired(sweep.Cutoff, sweep.UserIds)).Project(SessionDefinitions.IdOnly())
                .Limit(Math.Max(sweep.Limit, sweep.UserIds?.Count ?? 0)).ToListAsync(cancellationToken).ConfigureAwait(false))
                .Select(d => d[UserMemoryDocuments.Id].AsString).ToList();
            if (ids.Count > 0)
            {
                await _collections.UserMemories.DeleteManyAsync(UserMemoryDefinitions.Expired(sweep.Cutoff, ids), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Whether a session's head exists and has expired (false at once when nothing expires).</summary>
    private async Task<bool> SessionExpiredAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (Expire is null)
        {
            return false;
        }

        var head = await _collections.Sessions.Find(SessionDefinitions.ById(sessionId)).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return head is not null && IsExpired(BsonFields.GetTime(head, SessionDocuments.UpdatedAt, sessionId));
    }
}
