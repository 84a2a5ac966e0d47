using MongoDB.Bson;
using MongoDB.Driver;

namespace Upsonic.Storage.Mongo;

public sealed partial class MongoStorage
{
    /// <inheritdoc />
    protected override async Task<IReadOnlyList<AgentSession>> UpsertSessionsCoreAsync(IReadOnlyList<AgentSession> sessions, CancellationToken cancellationToken)
    {
        var stored = new List<AgentSession>(sessions.Count);
        foreach (var session in sessions)
        {
            stored.Add(await WriteSessionAsync(session, cancellationToken).ConfigureAwait(false));
        }

        return stored;
    }

    private async Task<AgentSession> WriteSessionAsync(AgentSession session, CancellationToken ct)
    {
        var now = StorageClock.Now();
        var layout = SessionRows.Flatten(session);
        var created = session.CreatedAt is { } given ? StorageClock.Truncate(given) : now;
        var messageCount = layout.Messages.Count == 0 ? 0 : layout.Messages[^1].Sequence;
        var head = await MongoFailure.RetryUpsertAsync(() => _collections.Sessions.FindOneAndUpdateAsync(
            SessionDefinitions.ById(session.SessionId),
            SessionDocuments.Replace(session, layout.RunCount, messageCount, created, now),
            new FindOneAndUpdateOptions<BsonDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After }, ct)).ConfigureAwait(false);
        await _collections.Messages.DeleteManyAsync(MessageDefinitions.OfSession(session.SessionId), ct).ConfigureAwait(false);
        await _collections.Runs.DeleteManyAsync(RunDefinitions.OfSession(session.SessionId), ct).ConfigureAwait(false);
        var messages = SessionLayoutDocuments.Messages(session.SessionId, layout);
        if (messages.Count > 0)
        {
            await _collections.Messages.InsertManyAsync(messages, new InsertManyOptions { IsOrdered = true }, ct).ConfigureAwait(false);
        }

        var runs = SessionLayoutDocuments.Runs(session.SessionId, layout);
        if (runs.Count > 0)
        {
            await _collections.Runs.InsertManyAsync(runs, new InsertManyOptions { IsOrdered = true }, ct).ConfigureAwait(false);
        }

        // The stored session is the head as updated (created_at kept) plus the documents just inserted: no read-back of the history.
        return SessionLayoutDocuments.Whole(head, messages, runs);
    }

    /// <inheritdoc />
    /// <remarks>Commands: one <c>find</c> of the page of heads, one <c>count</c>, one <c>find</c> of the page's messages and one of its runs.</remarks>
    protected override async Task<PagedResult<AgentSession>> GetSessionsCoreAsync(SessionQuery query, CancellationToken cancellationToken)
    {
        var filter = SessionDefinitions.Live(SessionDefinitions.Matching(query), ExpiryCutoff());
        var total = await _collections.Sessions.CountDocumentsAsync(filter, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (query.Limit == 0)
        {
            return new PagedResult<AgentSession>([], total);
        }

        var heads = await _collections.Sessions.Find(filter).Sort(SessionDefinitions.Order(query.SortBy, query.SortOrder))
            .Skip(query.Offset is > 0 ? query.Offset : null).Limit(query.Limit).ToListAsync(cancellationToken).ConfigureAwait(false);
        return new PagedResult<AgentSession>(await ReadPageAsync(heads, cancellationToken).ConfigureAwait(false), total);
    }

    /// <summary>Completes heads into whole sessions with two finds (messages and runs of every session on the page).</summary>
    private async Task<List<AgentSession>> ReadPageAsync(IReadOnlyList<BsonDocument> heads, CancellationToken ct)
    {
        if (heads.Count == 0)
        {
            return [];
        }

        var ids = heads.Select(h => h[SessionDocuments.Id].AsString).ToList();
        var messages = await _collections.Messages.Find(MessageDefinitions.OfSessions(ids)).Sort(MessageDefinitions.BySequence())
            .ToListAsync(ct).ConfigureAwait(false);
        var runs = await _collections.Runs.Find(RunDefinitions.OfSessions(ids)).Sort(RunDefinitions.BySequence())
            .ToListAsync(ct).ConfigureAwait(false);
        return heads.Select(h => SessionLayoutDocuments.Whole(h, messages, runs)).ToList();
    }

    /// <inheritdoc />
    protected override Task<int> DeleteSessionsCoreAsync(IReadOnlyList<string> sessionIds, CancellationToken cancellationToken)
    {
        return DeleteSessionDocumentsAsync(sessionIds, cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task<int> DeleteUserDataCoreAsync(string userId, CancellationToken cancellationToken)
    {
        var ids = (await _collections.Sessions.Find(SessionDefinitions.ByUser(userId)).Project(SessionDefinitions.IdOnly())
            .ToListAsync(cancellationToken).ConfigureAwait(false)).Select(d => d[SessionDocuments.Id].AsString).ToList();
        var deleted = ids.Count == 0 ? 0 : await DeleteSessionDocumentsAsync(ids, cancellationToken).ConfigureAwait(false);
        await _collections.UserMemories.DeleteOneAsync(UserMemoryDefinitions.ById(userId), cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    /// <summary>
    /// Deletes messages and runs first, then the heads: a crash in between leaves a head without history (visible, and deleted again by
    /// a retry) rather than orphaned messages whose sequence numbers a re-created session would collide with.
    /// </summary>
    private async Task<int> DeleteSessionDocumentsAsync(IReadOnlyList<string> sessionIds, CancellationToken ct)
    {
        await _collections.Messages.DeleteManyAsync(MessageDefinitions.OfSessions(sessionIds), ct).ConfigureAwait(false);
        await _collections.Runs.DeleteManyAsync(RunDefinitions.OfSessions(sessionIds), ct).ConfigureAwait(false);
        var result = await _collections.Sessions.DeleteManyAsync(SessionDefinitions.ByIds(sessionIds), ct).ConfigureAwait(false);
        return (int)result.DeletedCount;
    }
}
