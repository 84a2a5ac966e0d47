using Microsoft.Agents.AI;
using Microsoft.Extensions.Logging;
using Upsonic.Storage;
using AgentSession = Microsoft.Agents.AI.AgentSession;

namespace Upsonic.AgentFramework;

/// <summary>
/// A Microsoft Agent Framework <see cref="AIContextProvider"/> that adds what Upsonic memory knows to each run's instructions
/// (the user profile, the session summary and metadata) and keeps that knowledge up to date after the run.
/// </summary>
/// <remarks>
/// <para>Built from a <see cref="MemoryFactory"/>, whose options decide what is loaded and learned. Before a run it adds, as
/// <see cref="AIContext.Instructions"/> (after the agent's own instructions), the same blocks <see cref="Memory.PrepareAsync(IReadOnlyDictionary{string, object?}?, CancellationToken)"/>
/// makes: <c>&lt;UserProfile&gt;</c> (<see cref="MemoryOptions.LoadUserAnalysisMemory"/>), then a <c>&lt;Context&gt;</c> block
/// with <c>&lt;SessionSummary&gt;</c> (<see cref="MemoryOptions.LoadSummaryMemory"/>) and the <c>&lt;AgentMetadata&gt;</c> /
/// <c>&lt;SessionMetadata&gt;</c> blocks. It adds no messages, so nothing it injects can end up in the stored history.</para>
/// <para>After a run it saves the run with one <see cref="Memory.SaveRunAsync"/>, which runs the summary
/// (<see cref="MemoryOptions.SummaryMemory"/>) and profile (<see cref="MemoryOptions.UserAnalysisMemory"/>) work, in the
/// background on the factory's worker when <see cref="MemoryOptions.BackgroundProcessing"/> is on; the summary pass reads the
/// stored run, so the run is stored even when history is off (kept out of the history then). On an agent that also has a
/// <see cref="MemoryChatHistoryProvider"/>, that provider saves the run and so starts the same work; this provider then saves
/// nothing, and by default uses that provider's scope, so both read and write one memory session.</para>
/// <para>The provider holds no per-session state: the memory scope lives in the agent session's <see cref="AgentSession.StateBag"/>
/// (see <see cref="MemoryContextProviderOptions.ScopeResolver"/> and <see cref="SetScope"/>).</para>
/// <para><b>Security considerations:</b> the profile, the summary and metadata are sent to the agent's model with every run of
/// the scope, and the user's messages are sent to the factory's model to write them. A profile is shared by every session of its
/// user id, so the user id must come from an authenticated identity. Injected text is data the model reads as instructions:
/// metadata and profile values that users can influence can steer the agent (prompt injection); keep them to facts you trust.</para>
/// </remarks>
public sealed class MemoryContextProvider : AIContextProvider
{
    /// <summary>The default <see cref="MemoryContextProviderOptions.StateKey"/>.</summary>
    public const string DefaultStateKey = nameof(MemoryContextProvider);

    private readonly ProviderMemory _memory;
    private readonly bool _hasResolver;
    private readonly IReadOnlyDictionary<string, object?>? _agentMetadata;

    /// <summary>Creates the provider.</summary>
    /// <param name="factory">The memory configuration: storage, options and the model for summaries and profiles.</param>
    /// <param name="options">How the scope is chosen, where it is kept, and the agent metadata; null uses the defaults.</param>
    /// <param name="loggerFactory">Where a failed save of a failed run is reported; none by default.</param>
    /// <exception cref="ArgumentNullException"><paramref name="factory"/> is null.</exception>
    /// <exception cref="ArgumentException"><see cref="MemoryContextProviderOptions.StateKey"/> is empty or white space.</exception>
    public MemoryContextProvider(MemoryFactory factory, MemoryContextProviderOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        _memory = ProviderMemory.Create<MemoryContextProvider>(factory, options?.ScopeResolver, options?.StateKey, DefaultStateKey, loggerFactory);
        _hasResolver = options?.ScopeResolver is not null;
        _agentMetadata = options?.AgentMetadata;
    }

    /// <inheritdoc />
    public override IReadOnlyList<string> StateKeys => _memory.Scope.StateKeys;

    /// <summary>The memory scope this provider keeps for <paramref name="session"/>; chosen (and stored in the session) now if not chosen yet.</summary>
    /// <param name="session">The agent session.</param>
    /// <returns>The session id and user id whose summary and profile this provider injects.</returns>
    /// <remarks>On an agent with a <see cref="MemoryChatHistoryProvider"/> and no resolver of its own, runs use that provider's scope instead.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> is null.</exception>
    public MemoryScope GetScope(AgentSession session) => _memory.Scope.GetRequired(session);

    /// <summary>Sets the memory scope of <paramref name="session"/>; it wins over a resolver and over a history provider's scope.</summary>
    /// <param name="session">The agent session.</param>
    /// <param name="scope">The session id (required) and user id (null: a new GUID user, chosen now and kept).</param>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> is null.</exception>
    /// <exception cref="ArgumentException">The scope's session id is empty, or its user id is empty or white space.</exception>
    public void SetScope(AgentSession session, MemoryScope scope) => _memory.Scope.Set(session, scope);

    /// <inheritdoc />
    protected override async ValueTask<AIContext> ProvideAIContextAsync(InvokingContext context, CancellationToken cancellationToken = default)
    {
        var prepared = await _memory.PrepareAsync(ScopeOf(context.Agent, context.Session), MemoryParts.Blocks, _agentMetadata, cancellationToken)
            .ConfigureAwait(false);
        return new AIContext { Instructions = prepared.ToInstructions(null) };
    }

    /// <inheritdoc />
    protected override async ValueTask InvokedCoreAsync(InvokedContext context, CancellationToken cancellationToken = default)
    {
        if (HistoryProviderOf(context.Agent) is not null)
        {
            // That provider saved this run (one append) and its save started the summary and profile work.
            return;
        }

        await _memory.SaveAsync(ScopeOf(context.Agent, context.Session), context.Agent, context.RequestMessages, context.ResponseMessages,
            context.InvokeException, cancellationToken).ConfigureAwait(false);
    }

    private MemoryScope ScopeOf(AIAgent agent, AgentSession? session) =>
        !_hasResolver && !_memory.Scope.IsChosen(session) && HistoryProviderOf(agent) is { } history && session is not null
            ? history.GetScope(session)
            : _memory.Scope.Get(session);

    private static MemoryChatHistoryProvider? HistoryProviderOf(AIAgent agent) => agent.GetService<MemoryChatHistoryProvider>();
}
