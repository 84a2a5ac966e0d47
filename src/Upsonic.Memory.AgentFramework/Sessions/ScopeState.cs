using System.Text.Json.Serialization;
using Upsonic.Storage;

namespace Upsonic.AgentFramework;

/// <summary>The memory scope as it is kept in an <c>AgentSession</c>'s state bag, so a serialized session carries it.</summary>
internal sealed class ScopeState
{
    /// <summary>The memory session id.</summary>
    [JsonPropertyName("sessionId")]
    public string SessionId { get; set; } = "";

    /// <summary>The memory user id: always set, so the profile stays the same user's for the whole agent session.</summary>
    [JsonPropertyName("userId")]
    public string UserId { get; set; } = "";

    public MemoryScope ToScope() => new(SessionId, UserId);

    /// <summary>The state of <paramref name="scope"/>; a null user id becomes a new GUID once, here, not on every run.</summary>
    public static ScopeState From(MemoryScope scope) => new()
    {
        SessionId = scope.SessionId,
        UserId = scope.UserId ?? Guid.NewGuid().ToString(),
    };
}
