using MongoDB.Bson;
using MongoDB.Driver;

namespace Upsonic.Storage.Mongo;

public sealed partial class MongoStorage
{
    /// <inheritdoc />
    /// <remarks>
    /// A whole-record replace: the head is updated in place (created_at kept) and returned by the same command, then the session's
    /// messages and runs are deleted and the new layout inserted; the result is built from those documents, without reading them back. Not atomic across these commands; concurrent record-API replaces of one session are not supported
    /// (the hot path, <see cref="AppendRunAsync"/>, is the concurrent writer).
    /// </remarks>
    public Task<AgentSession> UpsertSessionAsync(AgentSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        StorageArguments.Id(session.SessionId, nameof(session));
        return RunAsync("UpsertSession", session.SessionId, ct => UpsertCoreAsync(session, ct), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AgentSession>> UpsertSessionsAsync(IEnumerable<AgentSession> sessions, CancellationToken cancellationToken = default)
    {
        var list = StorageArguments.Sessions(sessions, nameof(sessions));
        return RunAsync<IReadOnlyList<AgentSession>>("UpsertSessions", null, async ct =>
        {
            var stored = new List<AgentSession>(list.Count);
            foreach (var session in list)
            {
                stored.Add(await UpsertCoreAsync(session, ct).ConfigureAwait(false));
            }

            return stored;
        }, cancellationToken);
    }

    private async Task<AgentSession> UpsertCoreAsync(AgentSession session, CancellationToken ct)
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
    public Task<AgentSession?> GetSessionAsync(string? sessionId = null, SessionType? sessionType = null, string? userId = null, string? agentId = null,
        CancellationToken cancellationToken = default)
    {
        var query = RecordOrdering.LatestSession(sessionId, sessionType, userId, agentId);
        return RunAsync("GetSession", sessionId, async ct =>
        {
            var head = await _collections.Sessions.Find(SessionDefinitions.Matching(query))
                .Sort(SessionDefinitions.Order(query.SortBy, query.SortOrder)).Limit(1)
                .FirstOrDefaultAsync(ct).ConfigureAwait(false);
            return head is null ? null : (await ReadPageAsync([head], ct).ConfigureAwait(false))[0];
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Commands: one <c>find</c> of the page of heads, one <c>count</c>, one <c>find</c> of the page's messages and one of its runs.</remarks>
    public Task<PagedResult<AgentSession>> GetSessionsAsync(SessionQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new SessionQuery();
        StorageArguments.Paging(query.Limit, query.Offset, nameof(query));
        return RunAsync("GetSessions", null, async ct =>
        {
            var filter = SessionDefinitions.Matching(query);
            var total = await _collections.Sessions.CountDocumentsAsync(filter, cancellationToken: ct).ConfigureAwait(false);
            if (query.Limit == 0)
            {
                return new PagedResult<AgentSession>([], total);
            }

            var heads = await _collections.Sessions.Find(filter).Sort(SessionDefinitions.Order(query.SortBy, query.SortOrder))
                .Skip(query.Offset is > 0 ? query.Offset : null).Limit(query.Limit).ToListAsync(ct).ConfigureAwait(false);
            return new PagedResult<AgentSession>(await ReadPageAsync(heads, ct).ConfigureAwait(false), total);
        }, cancellationToken);
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
    public Task<bool> DeleteSessionAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(sessionId, nameof(sessionId));
        return RunAsync("DeleteSession", sessionId, async ct => await DeleteCoreAsync([sessionId], ct).ConfigureAwait(false) > 0, cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> DeleteSessionsAsync(IReadOnlyCollection<string> sessionIds, CancellationToken cancellationToken = default)
    {
        StorageArguments.Ids(sessionIds, nameof(sessionIds));
        return RunAsync("DeleteSessions", null, ct => DeleteCoreAsync(sessionIds.Distinct(StringComparer.Ordinal).ToList(), ct), cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> DeleteUserDataAsync(string userId, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(userId, nameof(userId));
        return RunAsync("DeleteUserData", userId, async ct =>
        {
            var ids = (await _collections.Sessions.Find(SessionDefinitions.ByUser(userId)).Project(SessionDefinitions.IdOnly())
                .ToListAsync(ct).ConfigureAwait(false)).Select(d => d[SessionDocuments.Id].AsString).ToList();
            var deleted = ids.Count == 0 ? 0 : await DeleteCoreAsync(ids, ct).ConfigureAwait(false);
            await _collections.UserMemories.DeleteOneAsync(UserMemoryDefinitions.ById(userId), ct).ConfigureAwait(false);
            return deleted;
        }, cancellationToken);
    }

    /// <summary>
    /// Deletes messages and runs first, then the heads: a crash in between leaves a head without history (visible, and deleted again by
    /// a retry) rather than orphaned messages whose sequence numbers a re-created session would collide with.
    /// </summary>
    private async Task<int> DeleteCoreAsync(IReadOnlyList<string> sessionIds, CancellationToken ct)
    {
        await _collections.Messages.DeleteManyAsync(MessageDefinitions.OfSessions(sessionIds), ct).ConfigureAwait(false);
        await _collections.Runs.DeleteManyAsync(RunDefinitions.OfSessions(sessionIds), ct).ConfigureAwait(false);
        var result = await _collections.Sessions.DeleteManyAsync(SessionDefinitions.ByIds(sessionIds), ct).ConfigureAwait(false);
        return (int)result.DeletedCount;
    }
}
