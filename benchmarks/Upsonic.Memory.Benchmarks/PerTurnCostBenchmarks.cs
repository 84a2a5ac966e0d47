using BenchmarkDotNet.Attributes;
using Upsonic.Benchmarks.Fixtures;
using Upsonic.Storage;

namespace Upsonic.Benchmarks;

/// <summary>
/// DESIGN.md 9, first bullet: the memory cost of one turn (Memory.PrepareAsync + Memory.SaveRunAsync of a user + assistant
/// turn; full session memory, NumLastMessages = 10, no model) at 10, 1,000 and 10,000 stored turns, per backend.
/// Target: Mean(10,000) / Mean(10) at most 1.5 on every backend.
/// </summary>
[Config(typeof(ShortTurnConfig))]
[MemoryDiagnoser]
public class PerTurnCostBenchmarks
{
    private SeededMemories _fixture = null!;

    /// <summary>The backend.</summary>
    [ParamsSource(nameof(BackendNames))]
    public string Backend { get; set; } = Backends.InMemory;

    /// <summary>How many turns the session holds before the measured turns.</summary>
    [Params(10, 1_000, 10_000)]
    public int StoredTurns { get; set; }

    /// <summary>The backends that can run here.</summary>
    public static IEnumerable<string> BackendNames() =>
        Backends.Available(Backends.InMemory, Backends.Sqlite, Backends.Postgres, Backends.Redis);

    /// <summary>Seeds the session pool for this backend and size.</summary>
    [GlobalSetup]
    public async Task SetupAsync() =>
        _fixture = await SeededMemories.CreateAsync(Backend, StoredTurns, SessionPool<Memory>.SizeFor(StoredTurns, ShortTurnConfig.TurnsPerCase));

    /// <summary>Deletes the seeded sessions.</summary>
    [GlobalCleanup]
    public async Task CleanupAsync() => await _fixture.DisposeAsync();

    /// <summary>One prepare + save.</summary>
    [Benchmark(Description = "Prepare+Save turn")]
    public Task<MemoryContext> Turn() => _fixture.TurnAsync();
}
