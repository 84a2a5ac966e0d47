namespace Upsonic.Storage;

/// <summary>Which session (and user) a call to a shared pipeline belongs to.</summary>
/// <param name="SessionId">The session key: history and summary belong to it.</param>
/// <param name="UserId">The user key: the profile belongs to it; null gives each <see cref="Memory"/> a new GUID user (no profile is shared).</param>
/// <remarks><b>Security considerations:</b> the scope decides whose history, summary and profile a call reads and extends. Derive it
/// from an authenticated identity (never from text a user can choose freely), or one user can read another's conversation.</remarks>
public readonly record struct MemoryScope(string SessionId, string? UserId);
