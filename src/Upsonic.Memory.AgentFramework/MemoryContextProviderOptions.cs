using Microsoft.Agents.AI;
using Upsonic.Storage;
using AgentSession = Microsoft.Agents.AI.AgentSession;

namespace Upsonic.AgentFramework;

/// <summary>Options for <see cref="MemoryContextProvider"/>.</summary>
public sealed class MemoryContextProviderOptions
{
    /// <summary>Chooses the memory scope (session id and user id) of an agent session on its first run.</summary>
    /// <value>
    /// Default <see langword="null"/>: on an agent that also has a <see cref="MemoryChatHistoryProvider"/>, that provider's scope;
    /// otherwise each agent session gets a new GUID session id and a new GUID user id, stored in the agent session's
    /// <see cref="AgentSession.StateBag"/> so it survives serialization. A scope set with <see cref="MemoryContextProvider.SetScope"/>
    /// before the first run wins over the resolver.
    /// </value>
    /// <remarks>
    /// <b>Security considerations:</b> the user id decides whose profile is injected into the instructions and extended after
    /// the run. Derive it from an authenticated identity, never from text a user can choose freely.
    /// </remarks>
    public Func<AgentSession?, MemoryScope>? ScopeResolver { get; set; }

    /// <summary>The key of the provider's entry in <see cref="AgentSession.StateBag"/>.</summary>
    /// <value>Default <see langword="null"/>: <c>"MemoryContextProvider"</c>.</value>
    public string? StateKey { get; set; }

    /// <summary>The agent's metadata, injected as an <c>&lt;AgentMetadata&gt;</c> block before the session's metadata.</summary>
    /// <value>Default <see langword="null"/>: no agent metadata block.</value>
    public IReadOnlyDictionary<string, object?>? AgentMetadata { get; set; }
}
