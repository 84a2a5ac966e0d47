using System.Text.Json.Nodes;
using Upsonic.Storage.Serialization;

namespace Upsonic.Storage;

// The session record API.
public sealed partial class InMemoryStorage
{
    /// <inheritdoc />
    public Task<AgentSession> UpsertSessionAsync(AgentSession session, CancellationToken cancellationToken = default)
    {
        Guard.Session(session, nameof(session));
        lock (_gate)
        {
            return Task.FromResult(UpsertLocked(session));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AgentSession>> UpsertSessionsAsync(IEnumerable<AgentSession> sessions, CancellationToken cancellationToken = default)
    {
        var list = Guard.Sessions(sessions, nameof(sessions));
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<AgentSession>>(list.Select(UpsertLocked).ToList());
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
    public Task<AgentSession?> GetSessionAsync(string? sessionId = null, SessionType? sessionType = null, string? userId = null, string? agentId = null, CancellationToken cancellationToken = default)
    {
        var query = RecordOrdering.LatestSession(sessionId, sessionType, userId, agentId);
        lock (_gate)
        {
            var match = Matching(query).FirstOrDefault();
            return Task.FromResult(match?.ReadWhole());
        }
    }

    /// <inheritdoc />
    public Task<PagedResult<AgentSession>> GetSessionsAsync(SessionQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new SessionQuery();
        Guard.Query(query, nameof(query));
        lock (_gate)
        {
            var page = RecordOrdering.Page(
                _sessions.Values.Where(s => RecordOrdering.Matches(s.Head, query)),
                s => RecordOrdering.SessionKey(s.Head, query.SortBy), s => s.Head.SessionId, query.SortOrder, query.Limit, query.Offset);
            return Task.FromResult(new PagedResult<AgentSession>(page.Items.Select(s => s.ReadWhole()).ToList(), page.Total));
        }
    }

    private IEnumerable<InMemorySession> Matching(SessionQuery query) =>
        RecordOrdering.Page(
            _sessions.Values.Where(s => RecordOrdering.Matches(s.Head, query)),
            s => RecordOrdering.SessionKey(s.Head, query.SortBy), s => s.Head.SessionId, query.SortOrder, query.Limit, query.Offset).Items;

    /// <inheritdoc />
    public Task<bool> DeleteSessionAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        Guard.Id(sessionId, nameof(sessionId));
        lock (_gate)
        {
            return Task.FromResult(_sessions.Remove(sessionId));
        }
    }

    /// <inheritdoc />
    public Task<int> DeleteSessionsAsync(IReadOnlyCollection<string> sessionIds, CancellationToken cancellationToken = default)
    {
        Guard.Ids(sessionIds, nameof(sessionIds));
        lock (_gate)
        {
            return Task.FromResult(sessionIds.Distinct(StringComparer.Ordinal).Count(_sessions.Remove));
        }
    }
}
