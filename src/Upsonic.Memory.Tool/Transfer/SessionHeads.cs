using Upsonic.Storage;

namespace Upsonic.Memory.Tool.Transfer;

/// <summary>
/// Session heads read page by page through the paging API (<see cref="IStorage.GetSessionHeadsPageAsync"/>), never a session's
/// messages or runs: filtered as <see cref="SessionQuery"/> says, counted, and the requested page in the store's listing order
/// (the sort field in the sort order, ties by session id ascending). Memory: one page of heads plus the heads up to the end of
/// the requested page.
/// </summary>
internal static class SessionHeads
{
    /// <summary>The heads matching <paramref name="query"/>'s filters, in store paging order (for forgetting a user).</summary>
    public static async IAsyncEnumerable<AgentSession> MatchingAsync(IStorage storage, SessionQuery query,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pager = new StorePager(storage, StorePager.HeadPageSize);
        await foreach (var (_, heads) in pager.HeadPagesAsync(null, cancellationToken).ConfigureAwait(false))
        {
            foreach (var head in heads.Where(h => Matches(h, query)))
            {
                yield return head;
            }
        }
    }

    /// <summary>The page of heads <paramref name="query"/> asks for (offset, limit, order) and how many heads match in all.</summary>
    public static async Task<PagedResult<AgentSession>> ListAsync(IStorage storage, SessionQuery query, CancellationToken cancellationToken)
    {
        var offset = query.Offset ?? 0;
        var keep = (int)Math.Min(int.MaxValue, (long)offset + (query.Limit ?? int.MaxValue));
        var order = Order(query);
        var kept = new List<AgentSession>();
        var total = 0;
        await foreach (var head in MatchingAsync(storage, query, cancellationToken).ConfigureAwait(false))
        {
            total++;
            kept.Add(head);
            if (kept.Count >= 2 * Math.Max(keep, StorePager.HeadPageSize))
            {
                kept.Sort(order);
                kept.RemoveRange(keep, kept.Count - keep);
            }
        }

        kept.Sort(order);
        return new PagedResult<AgentSession>([.. kept.Skip(offset).Take(query.Limit ?? int.MaxValue)], total);
    }

    private static bool Matches(AgentSession head, SessionQuery query) =>
        (query.SessionIds is null || query.SessionIds.Contains(head.SessionId))
        && (query.SessionType is null || head.SessionType == query.SessionType)
        && (query.UserId is null || head.UserId == query.UserId)
        && (query.AgentId is null || head.AgentId == query.AgentId);

    private static Comparison<AgentSession> Order(SessionQuery query) => (a, b) =>
    {
        var byTime = Nullable.Compare(Key(a), Key(b));
        if (query.SortOrder == SortOrder.Descending)
        {
            byTime = -byTime;
        }

        return byTime != 0 ? byTime : string.CompareOrdinal(a.SessionId, b.SessionId);

        DateTimeOffset? Key(AgentSession s) => query.SortBy == RecordSortField.UpdatedAt ? s.UpdatedAt : s.CreatedAt;
    };
}
