using BenchmarkDotNet.Attributes;
using Upsonic.Benchmarks.Fixtures;
using Upsonic.Storage;

namespace Upsonic.Benchmarks;

/// <summary>
/// One turn (Memory.PrepareAsync + Memory.SaveRunAsync, NumLastMessages = 10, no model) with <see cref="InMemoryStorage"/> at 10,
/// 1,000 and 10,000 stored turns, and the same two IStorage calls without Memory to split the cost. Targets: at most 20 µs per
/// turn at 1,000 turns; Median(10,000) / Median(10) at most 1.1; Allocated flat.
/// </summary>
[Config(typeof(InMemoryTurnConfig))]
public class InMemoryTurnBenchmarks
{
    private SeededMemories _fixture = null!;
    private CaseProbe _probe = null!;
    private int _sessions;

    /// <summary>How many turns the session holds before the measured turns.</summary>
    [Params(10, 1_000, 10_000)]
    public int StoredTurns { get; set; }

    /// <summary>Seeds the session pool.</summary>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        _sessions = SessionPool<Memory>.SizeFor(StoredTurns, SteadyStateConfig.TurnsPerCase(InMemoryTurnConfig.Invocations), maxSessions: 48, maxSeededTurns: 60_000);
        _fixture = await SeededMemories.CreateAsync(Backends.InMemory, StoredTurns, _sessions);
        _probe = new CaseProbe($"{nameof(InMemoryTurnBenchmarks)}({StoredTurns})", InMemoryTurnConfig.Invocations, SteadyStateConfig.WarmupIterations);
    }

    /// <summary>Reports the case and releases the storage.</summary>
    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _probe.Report(SessionPool<Memory>.GrowthNote(StoredTurns, _sessions, _fixture.AppendedTurns));
        await _fixture.DisposeAsync();
    }

    /// <summary>One prepare + save.</summary>
    [Benchmark(Baseline = true, Description = "Memory turn (prepare + save)")]
    public Task<MemoryContext> MemoryTurn()
    {
        _probe.Tick();
        return _fixture.TurnAsync();
    }

    /// <summary>The storage calls of one turn without Memory: LoadSessionWindowAsync(last 10 turns) + AppendRunAsync.</summary>
    [Benchmark(Description = "InMemoryStorage window + append only")]
    public Task<SessionWindow?> StorageOnlyTurn()
    {
        _probe.Tick();
        return _fixture.StorageTurnAsync();
    }
}
