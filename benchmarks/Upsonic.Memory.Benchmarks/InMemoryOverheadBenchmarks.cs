using BenchmarkDotNet.Attributes;
using Upsonic.Benchmarks.Fixtures;
using Upsonic.Storage;

namespace Upsonic.Benchmarks;

/// <summary>
/// DESIGN.md 9, last bullet: the in-process overhead of memory with <see cref="InMemoryStorage"/>: one prepare + save at 1,000
/// stored turns, with enough invocations per iteration for a microsecond operation. Target: well under 50 µs.
/// The storage-only row (the same two IStorage calls Memory makes, without Memory) splits the cost between the storage and Memory.
/// </summary>
[Config(typeof(ShortInProcessConfig))]
[MemoryDiagnoser]
public class InMemoryOverheadBenchmarks
{
    private const int StoredTurns = 1_000;
    private SeededMemories _fixture = null!;

    /// <summary>Seeds the session pool.</summary>
    [GlobalSetup]
    public async Task SetupAsync() =>
        _fixture = await SeededMemories.CreateAsync(Backends.InMemory, StoredTurns, SessionPool<Memory>.SizeFor(StoredTurns, ShortInProcessConfig.TurnsPerCase));

    /// <summary>Releases the storage.</summary>
    [GlobalCleanup]
    public async Task CleanupAsync() => await _fixture.DisposeAsync();

    /// <summary>One prepare + save at 1,000 stored turns.</summary>
    [Benchmark(Baseline = true, Description = "Memory Prepare+Save @1000 turns")]
    public Task<MemoryContext> Turn() => _fixture.TurnAsync();

    /// <summary>The storage calls of one turn without Memory: LoadSessionWindowAsync(last 10 turns) + AppendRunAsync.</summary>
    [Benchmark(Description = "InMemoryStorage window+append only")]
    public Task<SessionWindow?> StorageOnlyTurn() => _fixture.StorageTurnAsync();
}
