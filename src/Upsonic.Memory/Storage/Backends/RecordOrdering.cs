using System.Diagnostics.CodeAnalysis;

namespace Upsonic.Storage.Backends;

/// <summary>
/// The one ordering and paging behaviour of every listing, for backends that sort in process (in-memory, Redis). SQL backends
/// express the same rules in their queries: key descending by default, null timestamps as the oldest, ties by id ascending,
/// offset applied with or without a limit, total counted before paging.
/// </summary>
[Experimental(StorageBase.ExperimentalDiagnosticId)]
public static class RecordOrdering
{
    /// <summary>Sorts <paramref name="matches"/> by <paramref name="key"/> (ties by <paramref name="id"/>, ordinal), counts them, then applies offset and limit.</summary>
    public static PagedResult<T> Page<T>(IEnumerable<T> matches, Func<T, DateTimeOffset?> key, Func<T, string> id, SortOrder order, int? limit, int? offset)
    {
        var sorted = order == SortOrder.Ascending
            ? matches.OrderBy(m => key(m) ?? DateTimeOffset.MinValue).ThenBy(id, StringComparer.Ordinal)
            : matches.OrderByDescending(m => key(m) ?? DateTimeOffset.MinValue).ThenBy(id, StringComparer.Ordinal);
        var all = sorted.ToList();
        IEnumerable<T> page = all;
        if (offset is > 0)
        {
            page = page.Skip(offset.Value);
        }

        if (limit is not null)
        {
            page = page.Take(limit.Value);
        }

        return new PagedResult<T>(page.ToList(), all.Count);
    }

    /// <summary>The query behind <see cref="IStorage.GetSessionAsync"/>: the most recently updated session matching the filters.</summary>
    public static SessionQuery LatestSession(string? sessionId, SessionType? sessionType, string? userId, string? agentId) => new()
    {
        SessionIds = sessionId is null ? null : [sessionId],
        SessionType = sessionType,
        UserId = userId,
        AgentId = agentId,
        SortBy = RecordSortField.UpdatedAt,
        Limit = 1,
    };

    /// <summary>The query behind <see cref="IStorage.GetUserMemoryAsync"/>: the most recently updated profile matching the filters.</summary>
    public static UserMemoryQuery LatestUserMemory(string? userId, string? agentId, string? teamId) =>
        new() { UserIds = userId is null ? null : [userId], AgentId = agentId, TeamId = teamId, Limit = 1 };

    /// <summary>The sort key of a session: updated_at (else created_at) or created_at.</summary>
    public static DateTimeOffset? SessionKey(AgentSession s, RecordSortField field) =>
        field == RecordSortField.UpdatedAt ? s.UpdatedAt ?? s.CreatedAt : s.CreatedAt;

    /// <summary>The sort key of a knowledge row: updated_at (else created_at) or created_at.</summary>
    public static DateTimeOffset? KnowledgeKey(KnowledgeRow r, RecordSortField field) =>
        field == RecordSortField.UpdatedAt ? r.UpdatedAt ?? r.CreatedAt : r.CreatedAt;

    /// <summary>Whether a session matches a query's filters (ids, type, user, agent).</summary>
    public static bool Matches(AgentSession s, SessionQuery q) =>
        (q.SessionIds is null || q.SessionIds.Contains(s.SessionId))
        && (q.SessionType is null || s.SessionType == q.SessionType)
        && (q.UserId is null || s.UserId == q.UserId)
        && (q.AgentId is null || s.AgentId == q.AgentId);

    /// <summary>Whether a profile matches a query's filters.</summary>
    public static bool Matches(UserMemory m, UserMemoryQuery q) =>
        (q.UserIds is null || q.UserIds.Contains(m.UserId))
        && (q.AgentId is null || m.AgentId == q.AgentId)
        && (q.TeamId is null || m.TeamId == q.TeamId);

    /// <summary>The offset of a 1-based knowledge page.</summary>
    public static int? KnowledgeOffset(KnowledgeQuery q) => q.Limit is null ? null : (Math.Max(q.Page ?? 1, 1) - 1) * q.Limit.Value;

    /// <summary>Checks a knowledge query: a positive limit and a positive (1-based) page when given.</summary>
    public static void Validate(KnowledgeQuery q, string parameterName)
    {
        if (q.Limit is <= 0)
        {
            throw new ArgumentException("Limit must be positive.", parameterName);
        }

        if (q.Page is <= 0)
        {
            throw new ArgumentException("Page is 1-based and must be positive.", parameterName);
        }
    }
}
