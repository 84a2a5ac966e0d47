using System.Text.Json.Nodes;

namespace Upsonic.Storage;

/// <summary>A user's profile: the traits that user analysis memory extracted. One record per <see cref="UserId"/>.</summary>
/// <remarks><b>Security considerations:</b> the profile is personal data, and it is injected into the system prompt of later runs.</remarks>
public sealed class UserMemory
{
    /// <summary>The user the profile describes. Required.</summary>
    public required string UserId { get; set; }

    /// <summary>The profile map (trait name to value).</summary>
    public JsonObject Profile { get; set; } = [];

    /// <summary>The agent that last wrote the profile, if any.</summary>
    public string? AgentId { get; set; }

    /// <summary>The team that last wrote the profile, if any.</summary>
    public string? TeamId { get; set; }

    /// <summary>When the profile was first stored (UTC). Kept by every later upsert.</summary>
    public DateTimeOffset? CreatedAt { get; set; }

    /// <summary>When the profile was last written (UTC). Set by the storage on every write.</summary>
    public DateTimeOffset? UpdatedAt { get; set; }
}
