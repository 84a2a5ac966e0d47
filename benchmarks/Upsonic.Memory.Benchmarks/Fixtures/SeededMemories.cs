using Upsonic.Storage;

namespace Upsonic.Benchmarks.Fixtures;

/// <summary>
/// A storage with a pool of sessions of N stored turns each and one <see cref="Memory"/> per session configured as the
/// benchmarks ask: full session memory on, NumLastMessages = 10 (or as given), no summary, no profile, no model (no model work).
/// Sessions get fresh ids, so fixtures of different cases can share one database; <see cref="DisposeAsync"/> deletes them.
/// </summary>
public sealed class SeededMemories : IAsyncDisposable
{
    private readonly List<string> _sessionIds;
    private long _turn;

    private SeededMemories(IStorage storage, List<string> sessionIds, SessionPool<Memory> pool)
    {
        Storage = storage;
        _sessionIds = sessionIds;
        Pool = pool;
    }

    /// <summary>The storage under test.</summary>
    public IStorage Storage { get; }

    /// <summary>One memory per seeded session.</summary>
    public SessionPool<Memory> Pool { get; }

    /// <summary>Creates the storage, seeds <paramref name="sessions"/> sessions of <paramref name="storedTurns"/> turns and checks one.</summary>
    public static async Task<SeededMemories> CreateAsync(string backend, int storedTurns, int sessions, int? numLastMessages = 10)
    {
        var storage = Backends.Create(backend);
        var ids = Enumerable.Range(0, sessions).Select(_ => "bench-" + Guid.NewGuid().ToString("N")).ToList();

        // Seeding is not measured; a few sessions in parallel keep it short on the servers.
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = Backends.SeedParallelism(backend) },
            async (id, ct) => await storage.UpsertSessionAsync(Conversation.Session(id, storedTurns), ct));

        var memories = ids.Select(id => new Memory(storage, sessionId: id, userId: Conversation.UserId, fullSessionMemory: true, numLastMessages: numLastMessages)).ToList();
        var fixture = new SeededMemories(storage, ids, new SessionPool<Memory>(memories));

        // A benchmark that measured an empty or unbounded window would be meaningless: check the seed is what we claim.
        var context = await memories[0].PrepareAsync();
        var expected = 2 * Math.Min(numLastMessages ?? storedTurns, storedTurns);
        if (context.MessageHistory.Count != expected)
        {
            throw new InvalidOperationException($"{backend}: the seeded session gave {context.MessageHistory.Count} history messages, expected {expected}.");
        }

        return fixture;
    }

    /// <summary>How many turns the fixture has appended.</summary>
    public long AppendedTurns => Interlocked.Read(ref _turn);

    /// <summary>One turn as an agent runs it, minus the model call: prepare, then save the user + assistant messages.</summary>
    public Task<MemoryContext> TurnAsync() => TurnAsync(Pool.Next());

    /// <summary>One turn of <paramref name="memory"/>'s session.</summary>
    public async Task<MemoryContext> TurnAsync(Memory memory)
    {
        ArgumentNullException.ThrowIfNull(memory);
        var context = await memory.PrepareAsync();
        await memory.SaveRunAsync(Conversation.Run(Interlocked.Increment(ref _turn)));
        return context;
    }

    /// <summary>
    /// The storage calls of one turn without <see cref="Memory"/>: LoadSessionWindowAsync(last 10 turns) + AppendRunAsync with the
    /// record Memory would build, to split a turn's cost between the storage and Memory.
    /// </summary>
    public async Task<SessionWindow?> StorageTurnAsync()
    {
        var sessionId = Pool.Next().SessionId;
        var window = await Storage.LoadSessionWindowAsync(sessionId, 10);
        var run = Conversation.Run(Interlocked.Increment(ref _turn));
        await Storage.AppendRunAsync(new RunAppend
        {
            SessionId = sessionId,
            AddToHistory = true,
            AgentName = run.AgentName,
            Run = new RunRecord
            {
                RunId = run.RunId, AgentId = run.AgentId, UserId = run.UserId, Status = RunStatus.Completed,
                Input = run.Input, Output = run.Output, Usage = run.Usage, Messages = [.. run.Messages],
            },
        });
        return window;
    }

    /// <summary>Deletes the seeded sessions and releases the storage.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var memory in Pool.Items)
        {
            await memory.DisposeAsync();
        }

        foreach (var chunk in _sessionIds.Chunk(500))
        {
            await Storage.DeleteSessionsAsync(chunk);
        }

        await Storage.DisposeAsync();
    }
}
