using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Upsonic.Storage;
using AgentSession = Microsoft.Agents.AI.AgentSession;

namespace Upsonic.AgentFramework;

/// <summary>
/// A Microsoft Agent Framework <see cref="ChatHistoryProvider"/> that keeps an agent's conversation in Upsonic memory: each run
/// is given the stored history window and its new messages are stored as one run, on any <see cref="IStorage"/>.
/// </summary>
/// <remarks>
/// <para>Built from a <see cref="MemoryFactory"/>, whose options decide what is stored and loaded:
/// <see cref="MemoryOptions.FullSessionMemory"/> and <see cref="MemoryOptions.LoadFullSessionMemory"/> switch history on,
/// <see cref="MemoryOptions.NumLastMessages"/> is the window in turns (whole turns; a tool call is never separated from its
/// result) and <see cref="MemoryOptions.FeedToolCallResults"/> keeps tool calls in the loaded history. The history is
/// provided oldest first, before the run's new messages.</para>
/// <para>At the end of a run the caller's request messages (not the history this provider loaded, not messages a context
/// provider injected, not system messages) and every response message, tool calls and results included, are saved with one
/// <see cref="Memory.SaveRunAsync"/>: one append to storage. The save then runs the summary and profile work the factory's
/// options ask for (in the background on the factory's worker when <see cref="MemoryOptions.BackgroundProcessing"/> is on).
/// A failed run is saved as <see cref="RunStatus.Error"/> (a cancelled one as <see cref="RunStatus.Cancelled"/>) with its
/// input, like the Upsonic <c>Agent</c> does.</para>
/// <para>The provider holds no per-session state: the memory scope (session id and user id) lives in the agent session's
/// <see cref="AgentSession.StateBag"/>, chosen on the first run by <see cref="MemoryChatHistoryProviderOptions.ScopeResolver"/>
/// (else a new session id) or set with <see cref="SetScope"/>. A serialized agent session continues the same memory when it is
/// deserialized in another process. One provider instance serves every agent session of an agent.</para>
/// <para>When the service stores the conversation itself (it returns a conversation id), the agent stops calling its history
/// provider; use this provider with chat clients that keep no server-side thread.</para>
/// <para><b>Security considerations:</b> everything the user, the model and the tools say is stored in the factory's storage and
/// sent back to the model in later runs of the same scope. Treat the storage as holding personal data (see
/// <see cref="IStorage.DeleteUserDataAsync"/>), and take the scope from an authenticated identity: whoever controls the session
/// id reads that conversation.</para>
/// </remarks>
public sealed class MemoryChatHistoryProvider : ChatHistoryProvider
{
    /// <summary>The default <see cref="MemoryChatHistoryProviderOptions.StateKey"/>.</summary>
    public const string DefaultStateKey = nameof(MemoryChatHistoryProvider);

    private readonly ProviderMemory _memory;

    /// <summary>Creates the provider.</summary>
    /// <param name="factory">The memory configuration: storage, options and the model for summaries and profiles.</param>
    /// <param name="options">How the scope is chosen and where it is kept; null uses the defaults.</param>
    /// <param name="loggerFactory">Where a failed save of a failed run is reported; none by default.</param>
    /// <exception cref="ArgumentNullException"><paramref name="factory"/> is null.</exception>
    /// <exception cref="ArgumentException"><see cref="MemoryChatHistoryProviderOptions.StateKey"/> is empty or white space.</exception>
    public MemoryChatHistoryProvider(MemoryFactory factory, MemoryChatHistoryProviderOptions? options = null, ILoggerFactory? loggerFactory = null)
        => _memory = ProviderMemory.Create<MemoryChatHistoryProvider>(factory, options?.ScopeResolver, options?.StateKey, DefaultStateKey, loggerFactory);

    /// <inheritdoc />
    public override IReadOnlyList<string> StateKeys => _memory.Scope.StateKeys;

    /// <summary>The memory scope of <paramref name="session"/>; chosen (and stored in the session) now if no run has chosen it yet.</summary>
    /// <param name="session">The agent session.</param>
    /// <returns>The session id and user id the agent session's history belongs to.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> is null.</exception>
    public MemoryScope GetScope(AgentSession session) => _memory.Scope.GetRequired(session);

    /// <summary>Sets the memory scope of <paramref name="session"/>, for example before its first run to continue a known conversation.</summary>
    /// <param name="session">The agent session.</param>
    /// <param name="scope">The session id (required) and user id (null: a new GUID user, chosen now and kept).</param>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> is null.</exception>
    /// <exception cref="ArgumentException">The scope's session id is empty, or its user id is empty or white space.</exception>
    public void SetScope(AgentSession session, MemoryScope scope) => _memory.Scope.Set(session, scope);

    /// <inheritdoc />
    protected override async ValueTask<IEnumerable<ChatMessage>> ProvideChatHistoryAsync(InvokingContext context, CancellationToken cancellationToken = default)
    {
        var prepared = await _memory.PrepareAsync(_memory.Scope.Get(context.Session), MemoryParts.History, null, cancellationToken).ConfigureAwait(false);
        return prepared.MessageHistory;
    }

    /// <inheritdoc />
    protected override ValueTask InvokedCoreAsync(InvokedContext context, CancellationToken cancellationToken = default) =>
        _memory.SaveAsync(_memory.Scope.Get(context.Session), context.Agent, context.RequestMessages, context.ResponseMessages, context.InvokeException,
            cancellationToken);
}
