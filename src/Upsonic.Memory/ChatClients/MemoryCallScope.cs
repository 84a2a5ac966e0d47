using Microsoft.Extensions.AI;
using Upsonic.Storage;

namespace Upsonic;

/// <summary>
/// Finds the session of one call to a shared pipeline and takes what the middleware consumed out of the options sent inward.
/// </summary>
internal static class MemoryCallScope
{
    /// <summary>The default scope: session from <see cref="MemoryChatClient.SessionIdKey"/>, else <see cref="ChatOptions.ConversationId"/>;
    /// user from <see cref="MemoryChatClient.UserIdKey"/>.</summary>
    /// <exception cref="InvalidOperationException">The call carries no session id.</exception>
    public static MemoryScope Default(ChatOptions? options)
    {
        var sessionId = Read(options, MemoryChatClient.SessionIdKey);
        if (string.IsNullOrWhiteSpace(sessionId))
        {
            sessionId = options?.ConversationId;
        }

        if (string.IsNullOrWhiteSpace(sessionId))
        {
            throw MissingSession();
        }

        var userId = Read(options, MemoryChatClient.UserIdKey);
        return new MemoryScope(sessionId, string.IsNullOrWhiteSpace(userId) ? null : userId);
    }

    /// <summary>Checks a scope a custom scope function returned.</summary>
    /// <exception cref="InvalidOperationException">The scope has no session id, or an empty user id.</exception>
    public static MemoryScope Checked(MemoryScope scope)
    {
        if (string.IsNullOrWhiteSpace(scope.SessionId))
        {
            throw MissingSession();
        }

        if (scope.UserId is not null && string.IsNullOrWhiteSpace(scope.UserId))
        {
            throw new InvalidOperationException("The memory scope function returned an empty user id: return null for no user, or a non-empty id.");
        }

        return scope;
    }

    /// <summary>
    /// Removes the middleware's keys from (a clone of) the options, and the <see cref="ChatOptions.ConversationId"/> when it is the
    /// session, so the inner client never also continues a server-side thread of its own.
    /// </summary>
    public static void RemoveConsumed(ChatOptions inward, MemoryScope scope)
    {
        if (inward.AdditionalProperties is { } properties)
        {
            properties.Remove(MemoryChatClient.SessionIdKey);
            properties.Remove(MemoryChatClient.UserIdKey);
            if (properties.Count == 0)
            {
                inward.AdditionalProperties = null;
            }
        }

        if (string.Equals(inward.ConversationId, scope.SessionId, StringComparison.Ordinal))
        {
            inward.ConversationId = null;
        }
    }

    private static string? Read(ChatOptions? options, string key) =>
        options?.AdditionalProperties is { } properties && properties.TryGetValue(key, out var value) ? value?.ToString() : null;

    private static InvalidOperationException MissingSession() => new(
        "The memory middleware serves many sessions and this call names none. Pass the session id in " +
        $"ChatOptions.AdditionalProperties[\"{MemoryChatClient.SessionIdKey}\"] (MemoryChatClient.SessionIdKey) or ChatOptions.ConversationId, " +
        $"and the user id in AdditionalProperties[\"{MemoryChatClient.UserIdKey}\"] (MemoryChatClient.UserIdKey); or give UseMemory(factory, scope) " +
        "a function that returns the MemoryScope of a call.");
}
