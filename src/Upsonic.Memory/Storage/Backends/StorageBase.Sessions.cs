namespace Upsonic.Storage.Backends;

// The session record API: the public members check and wrap; one session is the plural core with one item.
public abstract partial class StorageBase
{
    /// <inheritdoc />
    public async Task<AgentSession> UpsertSessionAsync(AgentSession session, CancellationToken cancellationToken = default)
    {
        StorageArguments.Session(session, nameof(session));
        CheckWriteLimits(session, nameof(session));
        var stored = await ExecuteAsync("UpsertSession", session.SessionId, needsSchema: true,
            ct => AfterExpiryAsync([session.SessionId], [], c => UpsertSessionsCoreAsync([session], c), ct), cancellationToken).ConfigureAwait(false);
        return stored[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AgentSession>> UpsertSessionsAsync(IEnumerable<AgentSession> sessions, CancellationToken cancellationToken = default)
    {
        var list = StorageArguments.Sessions(sessions, nameof(sessions));
        foreach (var session in list)
        {
            CheckWriteLimits(session, nameof(sessions));
        }

        if (list.Count == 0)
        {
            return [];
        }

        return await ExecuteAsync("UpsertSessions", null, needsSchema: true, ct => AfterExpiryAsync([.. list.Select(s => s.SessionId)], [], c => UpsertSessionsCoreAsync(list, c), ct), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<AgentSession?> GetSessionAsync(string? sessionId = null, SessionType? sessionType = null, string? userId = null, string? agentId = null, CancellationToken cancellationToken = default)
    {
        var query = RecordOrdering.LatestSession(sessionId, sessionType, userId, agentId);
        var page = await ExecuteAsync("GetSession", sessionId, needsSchema: true, ct => GetSessionsCoreAsync(query, ct), cancellationToken).ConfigureAwait(false);
        return Single(page);
    }

    /// <inheritdoc />
    /// <remarks>A session that cannot be read is left out and reported in <see cref="PagedResult{T}.UnreadableRecords"/>, logged
    /// and counted (see <see cref="Logger"/>); <see cref="GetSessionAsync"/> of it throws.</remarks>
    public Task<PagedResult<AgentSession>> GetSessionsAsync(SessionQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new SessionQuery();
        StorageArguments.Query(query, nameof(query));
        return ExecuteAsync("GetSessions", null, needsSchema: true, ct => ListReadableAsync("GetSessions", query.Limit, query.Offset ?? 0, anyRange: true,
            (limit, offset, c) => GetSessionsCoreAsync(query with { Limit = limit, Offset = offset }, c), ct), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteSessionAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(sessionId, nameof(sessionId));
        return await ExecuteAsync("DeleteSession", sessionId, needsSchema: true, ct => DeleteSessionsCoreAsync([sessionId], ct), cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc />
    public Task<int> DeleteSessionsAsync(IReadOnlyCollection<string> sessionIds, CancellationToken cancellationToken = default)
    {
        StorageArguments.Ids(sessionIds, nameof(sessionIds));
        var distinct = sessionIds.Distinct(StringComparer.Ordinal).ToList();
        return ExecuteAsync("DeleteSessions", null, needsSchema: true, ct => DeleteSessionsCoreAsync(distinct, ct), cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> DeleteUserDataAsync(string userId, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(userId, nameof(userId));
        return ExecuteAsync("DeleteUserData", userId, needsSchema: true, ct => DeleteUserDataCoreAsync(userId, ct), cancellationToken);
    }

    /// <summary>
    /// Replaces each whole session (head, messages and runs; see <see cref="SessionRows.Flatten"/>): created_at kept when the
    /// session exists (else the given one, else now), updated_at now. Returns the stored sessions in input order.
    /// </summary>
    /// <param name="sessions">At least one session, each with a valid id.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    protected abstract Task<IReadOnlyList<AgentSession>> UpsertSessionsCoreAsync(IReadOnlyList<AgentSession> sessions, CancellationToken cancellationToken);

    /// <summary>Lists whole sessions: filters, order, paging and the total as <see cref="SessionQuery"/> documents (<see cref="RecordOrdering"/>).</summary>
    /// <param name="query">A checked query. <see cref="GetSessionAsync"/> passes <see cref="RecordOrdering.LatestSession"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    protected abstract Task<PagedResult<AgentSession>> GetSessionsCoreAsync(SessionQuery query, CancellationToken cancellationToken);

    /// <summary>Deletes sessions with their messages and runs. Returns how many existed.</summary>
    /// <param name="sessionIds">Distinct, valid ids (at least one).</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    protected abstract Task<int> DeleteSessionsCoreAsync(IReadOnlyList<string> sessionIds, CancellationToken cancellationToken);

    /// <summary>Deletes every session of the user (with messages and runs) and the user's profile. Returns how many sessions were deleted.</summary>
    /// <param name="userId">A valid user id.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    protected abstract Task<int> DeleteUserDataCoreAsync(string userId, CancellationToken cancellationToken);
}
