namespace Upsonic.Storage;

/// <summary>Filters, order and paging for <see cref="IStorage.GetSessionsAsync"/>.</summary>
/// <remarks>
/// Every backend applies the same rules (docs/storage.md): filters combine with AND; <see cref="SessionIds"/>
/// <see langword="null"/> means no id filter and an empty list matches nothing; the order is <see cref="SortBy"/> in
/// <see cref="SortOrder"/> (default: created_at, descending) with ties broken by session id ascending; <see cref="Offset"/>
/// applies with or without <see cref="Limit"/>; <see cref="PagedResult{T}.Total"/> counts every match before paging.
/// </remarks>
public sealed record SessionQuery
{
    /// <summary>Only these sessions (<see langword="null"/>: any; empty: none).</summary>
    public IReadOnlyCollection<string>? SessionIds { get; init; }

    /// <summary>Only sessions of this type.</summary>
    public SessionType? SessionType { get; init; }

    /// <summary>Only sessions of this user (an empty string matches sessions whose user id is empty, that is none).</summary>
    public string? UserId { get; init; }

    /// <summary>Only sessions of this agent.</summary>
    public string? AgentId { get; init; }

    /// <summary>The most records to return (<see langword="null"/>: all). Must not be negative.</summary>
    public int? Limit { get; init; }

    /// <summary>How many matching records to skip first (<see langword="null"/>: none). Must not be negative.</summary>
    public int? Offset { get; init; }

    /// <summary>The timestamp to order by. Default <see cref="RecordSortField.CreatedAt"/>.</summary>
    public RecordSortField SortBy { get; init; } = RecordSortField.CreatedAt;

    /// <summary>The direction. Default <see cref="Storage.SortOrder.Descending"/>.</summary>
    public SortOrder SortOrder { get; init; } = SortOrder.Descending;
}
