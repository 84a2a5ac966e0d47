using Microsoft.Agents.AI;
using Upsonic.Storage;
using AgentSession = Microsoft.Agents.AI.AgentSession;

namespace Upsonic.AgentFramework;

/// <summary>
/// Which memory session and user an agent session belongs to, kept in the agent session's <see cref="AgentSession.StateBag"/>
/// under one provider's state key: chosen on the first run (the resolver, else a new session id) unless the caller set it before.
/// </summary>
internal sealed class AgentSessionScope
{
    private readonly ProviderSessionState<ScopeState> _state;

    /// <summary>Creates the scope of one provider.</summary>
    /// <param name="resolver">The options' resolver, or null for a new session id per agent session.</param>
    /// <param name="stateKey">The options' state key: null means <paramref name="defaultStateKey"/>, blank is rejected.</param>
    /// <param name="defaultStateKey">The provider's default key.</param>
    /// <param name="paramName">The provider's options parameter, named by the exception for a blank key.</param>
    public AgentSessionScope(Func<AgentSession?, MemoryScope>? resolver, string? stateKey, string defaultStateKey, string paramName)
    {
        if (stateKey is not null && string.IsNullOrWhiteSpace(stateKey))
        {
            throw new ArgumentException("StateKey must be null (the default key) or a non-empty string.", paramName);
        }

        _state = new ProviderSessionState<ScopeState>(session => Initialize(resolver, session), stateKey ?? defaultStateKey,
            ScopeStateJsonContext.Default.Options);
        StateKeys = [_state.StateKey];
    }

    /// <summary>The key of the state bag entry.</summary>
    public string StateKey => _state.StateKey;

    /// <summary>What the provider reports as its <c>StateKeys</c>: the one key.</summary>
    public IReadOnlyList<string> StateKeys { get; }

    /// <summary><see cref="Get"/> for the providers' public <c>GetScope</c>, which needs a session.</summary>
    public MemoryScope GetRequired(AgentSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return Get(session);
    }

    /// <summary>The scope of <paramref name="session"/>, chosen and stored on first use.</summary>
    public MemoryScope Get(AgentSession? session)
    {
        var state = _state.GetOrInitializeState(session);
        if (string.IsNullOrWhiteSpace(state.SessionId) || string.IsNullOrWhiteSpace(state.UserId))
        {
            throw new InvalidOperationException(
                $"The agent session's state entry '{StateKey}' holds no valid memory scope (empty session or user id). Set one with SetScope.");
        }

        return state.ToScope();
    }

    /// <summary>Whether <paramref name="session"/> already holds a scope under this key (set by the caller or chosen on an earlier run).</summary>
    public bool IsChosen(AgentSession? session) =>
        session?.StateBag.TryGetValue<ScopeState>(StateKey, out var state, ScopeStateJsonContext.Default.Options) is true && state is not null;

    /// <summary>Stores <paramref name="scope"/> in <paramref name="session"/>, replacing any scope chosen before.</summary>
    public void Set(AgentSession session, MemoryScope scope)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (string.IsNullOrWhiteSpace(scope.SessionId))
        {
            throw new ArgumentException("The scope needs a non-empty session id.", nameof(scope));
        }

        if (scope.UserId is not null && string.IsNullOrWhiteSpace(scope.UserId))
        {
            throw new ArgumentException("The scope's user id must be null (a new user) or a non-empty string.", nameof(scope));
        }

        _state.SaveState(session, ScopeState.From(scope));
    }

    private static ScopeState Initialize(Func<AgentSession?, MemoryScope>? resolver, AgentSession? session)
    {
        if (resolver is null)
        {
            return ScopeState.From(new MemoryScope(Guid.NewGuid().ToString(), null));
        }

        var scope = resolver(session);
        if (string.IsNullOrWhiteSpace(scope.SessionId) || (scope.UserId is not null && string.IsNullOrWhiteSpace(scope.UserId)))
        {
            throw new InvalidOperationException(
                "The memory scope resolver returned an empty session id or a blank user id; return a non-empty session id and a null or non-empty user id.");
        }

        return ScopeState.From(scope);
    }
}
