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
    /// counters of the expired head are deleted (a write adds rows above them), except a run written after the cutoff and its
    /// messages (a paused run continued meanwhile keeps its old run sequence, within those counters), and the head only while its
    /// <c>updated_at</c> is still expired; when the head was deleted, such runs go too. Without a multi-document transaction the
    /// revived session loses its other expired rows, as a write to an expired session would (it starts afresh).</remarks>
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
                var messages = counted.Select(c => (c.Id, c.Messages)).ToList();
                var runs = counted.Select(c => (c.Id, c.Runs)).ToList();
                await _collections.Runs.DeleteManyAsync(RunDefinitions.UpToWrittenBy(runs, sweep.Cutoff), cancellationToken).ConfigureAwait(false);
                var kept = (await _collections.Runs.Find(RunDefinitions.UpTo(runs)).Project(RunDefinitions.Key()).ToListAsync(cancellationToken).ConfigureAwait(false))
                    .ToLookup(r => r[RunDocuments.SessionId].AsString, r => r[RunDocuments.RunId].AsString, StringComparer.Ordinal);
                await _collections.Messages.DeleteManyAsync(MessageDefinitions.UpToExcept(messages, kept), cancellationToken).ConfigureAwait(false);
                await _collections.Sessions.DeleteManyAsync(SessionDefinitions.Expired(sweep.Cutoff, [.. counted.Select(c => c.Id)]), cancellationToken).ConfigureAwait(false);
                if (kept.Count > 0)
                {
                    await DeleteKeptRunsOfDeletedHeadsAsync(kept, messages, runs, cancellationToken).ConfigureAwait(false);
                }
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

    /// <summary>The runs a sweep kept because they were written after its cutoff, and their messages, of the sessions whose head it
    /// deleted all the same (no writer revived them): nothing of a deleted session is left behind.</summary>
    private async Task DeleteKeptRunsOfDeletedHeadsAsync(ILookup<string, string> kept, List<(string Id, long Messages)> messages,
        List<(string Id, long Runs)> runs, CancellationToken cancellationToken)
    {
        var live = (await _collections.Sessions.Find(SessionDefinitions.ByIds(kept.Select(g => g.Key))).Project(SessionDefinitions.IdOnly())
            .ToListAsync(cancellationToken).ConfigureAwait(false)).Select(d => d[SessionDocuments.Id].AsString).ToHashSet(StringComparer.Ordinal);
        var gone = kept.Select(g => g.Key).Where(id => !live.Contains(id)).ToHashSet(StringComparer.Ordinal);
        if (gone.Count > 0)
        {
            await _collections.Runs.DeleteManyAsync(RunDefinitions.UpTo(runs.Where(r => gone.Contains(r.Id))), cancellationToken).ConfigureAwait(false);
            await _collections.Messages.DeleteManyAsync(MessageDefinitions.UpTo(messages.Where(m => gone.Contains(m.Id))), cancellationToken).ConfigureAwait(false);
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
