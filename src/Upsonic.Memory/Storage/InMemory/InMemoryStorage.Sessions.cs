namespace Upsonic.Storage;

// The session record API and forgetting a user.
public sealed partial class InMemoryStorage
{
    /// <inheritdoc />
    protected override Task<IReadOnlyList<AgentSession>> UpsertSessionsCoreAsync(IReadOnlyList<AgentSession> sessions, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<AgentSession>>(sessions.Select(UpsertLocked).ToList());
        }
    }

    private AgentSession UpsertLocked(AgentSession session)
    {
        var now = StorageClock.Now();
        var head = SessionRows.CopyHead(session);
        head.CreatedAt = _sessions.TryGetValue(session.SessionId, out var existing)
            ? existing.Head.CreatedAt
            : session.CreatedAt is { } created ? StorageClock.Truncate(created) : now;
        head.UpdatedAt = now;
        var state = InMemorySession.FromLayout(head, SessionRows.Flatten(session));
        _sessions[session.SessionId] = state;
        return state.ReadWhole();
    }

    /// <inheritdoc />
    protected override Task<PagedResult<AgentSession>> GetSessionsCoreAsync(SessionQuery query, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var page = RecordOrdering.Page(
                _sessions.Values.Where(s => !IsExpired(s.Head.UpdatedAt) && RecordOrdering.Matches(s.Head, query)),
                s => RecordOrdering.SessionKey(s.Head, query.SortBy), s => s.Head.SessionId, query.SortOrder, query.Limit, query.Offset);
            return Task.FromResult(new PagedResult<AgentSession>(page.Items.Select(s => s.ReadWhole()).ToList(), page.Total));
        }
    }

    /// <inheritdoc />
    protected override Task<int> DeleteSessionsCoreAsync(IReadOnlyList<string> sessionIds, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(sessionIds.Count(_sessions.Remove));
        }
    }

    /// <inheritdoc />
    protected override Task<int> DeleteUserDataCoreAsync(string userId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var ids = _sessions.Values.Where(s => s.Head.UserId == userId).Select(s => s.Head.SessionId).ToList();
            ids.ForEach(id => _sessions.Remove(id));
            _userMemories.Remove(userId);
            return Task.FromResult(ids.Count);
        }
    }
}
