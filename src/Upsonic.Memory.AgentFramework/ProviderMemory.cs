using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Upsonic.Storage;
using AgentSession = Microsoft.Agents.AI.AgentSession;

namespace Upsonic.AgentFramework;

/// <summary>
/// What both providers are built from: the memory factory, the scope they keep in each agent session's state bag and their
/// logger; and what they do with them: prepare the memory of a scope before a run, and save an invocation as one run after it.
/// </summary>
internal sealed class ProviderMemory
{
    private readonly MemoryFactory _factory;
    private readonly ILogger _logger;

    private ProviderMemory(MemoryFactory factory, AgentSessionScope scope, ILogger logger)
    {
        _factory = factory;
        Scope = scope;
        _logger = logger;
    }

    /// <summary>The scope of each agent session, kept under the provider's state key.</summary>
    public AgentSessionScope Scope { get; }

    /// <summary>Checks the provider's constructor arguments and builds what it holds.</summary>
    /// <typeparam name="TProvider">The provider (its logger category).</typeparam>
    /// <param name="factory">The provider's factory argument.</param>
    /// <param name="resolver">The options' scope resolver, or null.</param>
    /// <param name="stateKey">The options' state key, or null for <paramref name="defaultStateKey"/>.</param>
    /// <param name="defaultStateKey">The provider's default state key.</param>
    /// <param name="loggerFactory">The provider's logger factory argument, or null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="factory"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stateKey"/> is empty or white space (named as the provider's <c>options</c>).</exception>
    public static ProviderMemory Create<TProvider>(MemoryFactory factory, Func<AgentSession?, MemoryScope>? resolver, string? stateKey,
        string defaultStateKey, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return new ProviderMemory(factory, new AgentSessionScope(resolver, stateKey, defaultStateKey, "options"),
            (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<TProvider>());
    }

    /// <summary>Prepares <paramref name="parts"/> of the memory of <paramref name="scope"/>.</summary>
    public async ValueTask<MemoryContext> PrepareAsync(MemoryScope scope, MemoryParts parts, IReadOnlyDictionary<string, object?>? agentMetadata,
        CancellationToken ct)
    {
        await using var memory = _factory.ForSession(scope);
        return await memory.PrepareAsync(parts, agentMetadata, ct).ConfigureAwait(false);
    }

    /// <summary>Saves the invocation as one run of the memory of <paramref name="scope"/> (see <see cref="AgentRunRecorder"/>).</summary>
    public async ValueTask SaveAsync(MemoryScope scope, AIAgent agent, IEnumerable<ChatMessage> requestMessages, IEnumerable<ChatMessage>? responseMessages,
        Exception? failure, CancellationToken ct)
    {
        await using var memory = _factory.ForSession(scope);
        await AgentRunRecorder.SaveAsync(memory, agent, requestMessages, responseMessages, failure, _logger, ct).ConfigureAwait(false);
    }
}
