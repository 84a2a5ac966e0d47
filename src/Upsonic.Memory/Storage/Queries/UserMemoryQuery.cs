namespace Upsonic.Storage;

/// <summary>Filters and paging for <see cref="IStorage.GetUserMemoriesAsync"/>. Results are ordered by updated_at descending, ties by user id ascending.</summary>
public sealed record UserMemoryQuery
{
    /// <summary>Only these users (<see langword="null"/>: any; empty: none).</summary>
    public IReadOnlyCollection<string>? UserIds { get; init; }

    /// <summary>Only profiles last written by this agent.</summary>
    public string? AgentId { get; init; }

    /// <summary>Only profiles last written by this team.</summary>
    public string? TeamId { get; init; }

    /// <summary>The most records to return (<see langword="null"/>: all). Must not be negative.</summary>
    public int? Limit { get; init; }

    /// <summary>How many matching records to skip first. Must not be negative.</summary>
    public int? Offset { get; init; }
}
