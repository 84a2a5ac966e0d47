namespace Upsonic.Storage;

/// <summary>Filters, order and paging for <see cref="IStorage.GetKnowledgeContentsAsync"/>.</summary>
/// <remarks><see cref="Page"/> is 1-based: page <c>p</c> with limit <c>l</c> skips <c>(p-1)*l</c> rows. Without a limit the page is ignored.</remarks>
public sealed record KnowledgeQuery
{
    /// <summary>Only rows of this knowledge base.</summary>
    public string? KnowledgeBaseId { get; init; }

    /// <summary>The page size (<see langword="null"/>: all rows). Must be positive.</summary>
    public int? Limit { get; init; }

    /// <summary>The 1-based page number (<see langword="null"/>: 1). Must be positive.</summary>
    public int? Page { get; init; }

    /// <summary>The timestamp to order by. Default <see cref="RecordSortField.CreatedAt"/>.</summary>
    public RecordSortField SortBy { get; init; } = RecordSortField.CreatedAt;

    /// <summary>The direction. Default <see cref="Storage.SortOrder.Descending"/>.</summary>
    public SortOrder SortOrder { get; init; } = SortOrder.Descending;
}
