using System.Text.Json.Nodes;

namespace Upsonic.Storage;

/// <summary>An atomic change to a user's profile: what <see cref="IStorage.UpdateUserProfileAsync"/> applies.</summary>
/// <remarks>
/// <see cref="UserMemoryMode.Update"/> merges: every key of <see cref="Traits"/> with a non-null value is set, keys with a
/// <see langword="null"/> value are ignored (a missing trait never erases a known one), other stored keys are kept.
/// <see cref="UserMemoryMode.Replace"/> replaces the whole profile with the non-null traits. Either way the change is one
/// atomic step, so concurrent updates of different keys all survive.
/// </remarks>
public sealed record ProfileUpdate
{
    /// <summary>The user whose profile changes. Required.</summary>
    public required string UserId { get; init; }

    /// <summary>The extracted traits. Required.</summary>
    public required JsonObject Traits { get; init; }

    /// <summary>How the traits combine with the stored profile.</summary>
    public UserMemoryMode Mode { get; init; } = UserMemoryMode.Update;

    /// <summary>The agent writing the profile, recorded on the row.</summary>
    public string? AgentId { get; init; }

    /// <summary>The team writing the profile, recorded on the row.</summary>
    public string? TeamId { get; init; }
}
