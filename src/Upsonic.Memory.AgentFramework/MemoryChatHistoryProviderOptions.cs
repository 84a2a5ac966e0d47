using Microsoft.Agents.AI;
using Upsonic.Storage;
using AgentSession = Microsoft.Agents.AI.AgentSession;

namespace Upsonic.AgentFramework;

/// <summary>Options for <see cref="MemoryChatHistoryProvider"/>.</summary>
public sealed class MemoryChatHistoryProviderOptions
{
    /// <summary>Chooses the memory scope (session id and user id) of an agent session on its first run.</summary>
    /// <value>
    /// Default <see langword="null"/>: each agent session gets a new GUID session id and a new GUID user id. The chosen scope is
    /// stored in the agent session's <see cref="AgentSession.StateBag"/>, so the resolver runs once per agent session, and a session
    /// serialized and deserialized later (in any process) keeps its scope. A scope set with
    /// <see cref="MemoryChatHistoryProvider.SetScope"/> before the first run wins over the resolver.
    /// </value>
    /// <remarks>
    /// <b>Security considerations:</b> the scope decides whose history is loaded into the run. Derive it from an authenticated
    /// identity, never from text a user can choose freely.
    /// </remarks>
    public Func<AgentSession?, MemoryScope>? ScopeResolver { get; set; }

    /// <summary>The key of the provider's entry in <see cref="AgentSession.StateBag"/>.</summary>
    /// <value>Default <see langword="null"/>: <c>"MemoryChatHistoryProvider"</c>. Give agents that share an agent session different keys.</value>
    public string? StateKey { get; set; }
}
