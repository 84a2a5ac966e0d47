using BenchmarkDotNet.Attributes;
using Upsonic.Benchmarks.Fixtures;
using Upsonic.Storage;

namespace Upsonic.Benchmarks;

/// <summary>
/// The cost of upstream's default, <c>numLastMessages</c> unset: every prepare loads the whole history. One Memory.PrepareAsync
/// (no save, so the session does not grow) on a session of 20,000 stored turns (40,000 messages), per backend, time and
/// allocation per prepare. For the statement in docs/memory.md.
/// </summary>
[Config(typeof(WholeHistoryConfig))]
public class WholeHistoryBenchmarks
{
    /// <summary>The stored turns.</summary>
    public const int StoredTurns = 20_000;

    private SeededMemories _fixture = null!;
    private CaseProbe _probe = null!;

    /// <summary>The backend.</summary>
    [ParamsSource(nameof(BackendNames))]
    public string Backend { get; set; } = Backends.InMemory;

    /// <summary>The backends that can run here.</summary>
    public static IEnumerable<string> BackendNames() =>
        Backends.Available(Backends.InMemory, Backends.Sqlite, Backends.Postgres, Backends.Redis);

    /// <summary>Seeds one 20,000-turn session (and checks a prepare returns all 40,000 messages).</summary>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        _fixture = await SeededMemories.CreateAsync(Backend, StoredTurns, 1, numLastMessages: null);
        _probe = new CaseProbe($"{nameof(WholeHistoryBenchmarks)}({Backend})", WholeHistoryConfig.Invocations, WholeHistoryConfig.Warmup);
    }

    /// <summary>Reports the case and deletes the session.</summary>
    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _probe.Report();
        await _fixture.DisposeAsync();
    }

    /// <summary>One prepare that loads the whole history.</summary>
    [Benchmark(Description = "Prepare, whole history (numLastMessages unset)")]
    public async Task<int> PrepareWholeHistory()
    {
        _probe.Tick();
        return (await _fixture.Pool.Items[0].PrepareAsync()).MessageHistory.Count;
    }
}
