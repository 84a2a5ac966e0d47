using MongoDB.Driver;
using Upsonic.Storage.Backends;

namespace Upsonic.Storage.Mongo;

// Retention: expired heads and profiles are filtered out by every read and deleted here, in bounded batches. Not a TTL index: a
// session's messages and runs carry no time of the session's last write, so a TTL index on heads would orphan them.
public sealed partial class MongoStorage
{
    /// <summary>Deletes expired sessions (messages and runs first, then the heads, as every delete here) and profiles: the named
    /// ones, or at most <see cref="ExpirySweep.Limit"/> of each, through the <c>updated_at</c> field.</summary>
    protected override async Task DeleteExpiredCoreAsync(ExpirySweep sweep, CancellationToken cancellationToken)
    {
        if (sweep.SessionIds is not { Count: 0 })
        {
            var ids = (await _collections.Sessions.Find(SessionDefinitions.Expired(sweep.Cutoff, sweep.SessionIds)).Project(SessionDefinitions.IdOnly())
                .Limit(Math.Max(sweep.Limit, sweep.SessionIds?.Count ?? 0)).ToListAsync(cancellationToken).ConfigureAwait(false))
                .Select(d => d[SessionDocuments.Id].AsString).ToList();
            if (ids.Count > 0)
            {
                await DeleteSessionDocumentsAsync(ids, cancellationToken).ConfigureAwait(false);
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
