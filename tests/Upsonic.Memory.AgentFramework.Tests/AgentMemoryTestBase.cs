using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Upsonic.AgentFramework;
using Upsonic.Memory.AgentFramework.Tests.Backends;
using Upsonic.Storage;
using Upsonic.Storage.Testing;
using AgentSession = Microsoft.Agents.AI.AgentSession;
using StoredSession = Upsonic.Storage.AgentSession;

namespace Upsonic.Memory.AgentFramework.Tests;

/// <summary>
/// What the provider tests share: a fresh storage from <typeparamref name="TBackend"/>, a recording scripted model behind a
/// real <see cref="ChatClientAgent"/>, and a scripted model for summaries and profiles.
/// </summary>
public abstract class AgentMemoryTestBase<TBackend> : IAsyncLifetime
    where TBackend : StorageBackend, new()
{
    private readonly List<MemoryFactory> _factories = [];

    /// <summary>The backend under test.</summary>
    protected TBackend Backend { get; } = new();

    /// <summary>The storage of this test.</summary>
    protected IStorage Storage { get; private set; } = null!;

    /// <summary>The model behind the agent: answers "ok" unless told otherwise, records every request.</summary>
    protected ScriptedChatClient AgentModel { get; } = new("ok");

    /// <summary>The model memory uses for summaries and profiles (unscripted requests fail loudly).</summary>
    protected ScriptedChatClient MemoryModel { get; } = new();

    /// <summary>The test's cancellation token.</summary>
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <inheritdoc />
    public ValueTask InitializeAsync()
    {
        Storage = Backend.Create();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        foreach (var factory in _factories)
        {
            await factory.DisposeAsync();
        }

        await Storage.DisposeAsync();
        await Backend.DisposeAsync();
    }

    /// <summary>A factory over the test's storage with the memory model.</summary>
    protected MemoryFactory NewFactory(MemoryOptions options)
    {
        var factory = new MemoryFactory(Storage, options, MemoryModel);
        _factories.Add(factory);
        return factory;
    }

    /// <summary>A real agent over <see cref="AgentModel"/> with the given providers (the framework's in-memory history when none).</summary>
    protected ChatClientAgent NewAgent(ChatHistoryProvider? history, IEnumerable<AIContextProvider>? context = null,
        IEnumerable<AITool>? tools = null, string instructions = "You are a test agent.") =>
        AgentModel.AsAIAgent(new ChatClientAgentOptions
        {
            Name = "test-agent",
            ChatOptions = new ChatOptions { Instructions = instructions, Tools = tools?.ToList() },
            ChatHistoryProvider = history,
            AIContextProviders = context?.ToList(),
        });

    /// <summary>The stored session of <paramref name="scope"/>, or null when nothing was stored.</summary>
    protected async Task<StoredSession?> StoredAsync(MemoryFactory factory, MemoryScope scope)
    {
        await using var memory = factory.ForSession(scope);
        return await memory.GetSessionAsync(Ct);
    }

    /// <summary>The texts of <paramref name="messages"/>, as "role: text".</summary>
    protected static List<string> Texts(IEnumerable<ChatMessage> messages) => messages.Select(m => m.Role.Value + ": " + m.Text).ToList();

    /// <summary>The messages the agent's model received in request <paramref name="index"/>.</summary>
    protected List<string> SentTexts(int index) => Texts(AgentModel.Requests[index].Messages);

    /// <summary>Runs the agent once and returns its text.</summary>
    protected static async Task<string> RunAsync(AIAgent agent, AgentSession session, string message) =>
        (await agent.RunAsync(message, session, cancellationToken: Ct)).Text;
}
