using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Upsonic.Benchmarks.Fixtures;
using Upsonic.Storage;

namespace Upsonic.Benchmarks;

/// <summary>
/// 16 sessions served at once: one invocation runs 16 concurrent workers, each doing <see cref="TurnsPerSession"/> turns in a row
/// on its own session (100 stored turns at the start), through Memory or through the raw driver's floor on the same engine.
/// Reported per turn (OperationsPerInvoke), with turns/s over all sessions and the p99 latency of one turn. Target: the Memory
/// row's turns/s at least 85% of the raw row's.
/// </summary>
[Config(typeof(ConcurrencyConfig))]
public class ConcurrencyBenchmarks
{
    /// <summary>Concurrent sessions.</summary>
    public const int Sessions = 16;

    /// <summary>Turns each session does per invocation.</summary>
    public const int TurnsPerSession = 16;

    private const int StoredTurns = 100;
    private SeededMemories? _memories;
    private SeededRaw? _raw;
    private CaseProbe _probe = null!;

    /// <summary>The backend.</summary>
    [ParamsSource(nameof(BackendNames))]
    public string Backend { get; set; } = Backends.Sqlite;

    /// <summary>The server backends that can run here.</summary>
    public static IEnumerable<string> BackendNames() => Backends.Available(Backends.Sqlite, Backends.Postgres, Backends.Redis);

    /// <summary>Seeds 16 Memory sessions.</summary>
    [GlobalSetup(Target = nameof(MemoryTurns))]
    public async Task SetupMemoryAsync()
    {
        _memories = await SeededMemories.CreateAsync(Backend, StoredTurns, Sessions);
        _probe = new CaseProbe($"{nameof(ConcurrencyBenchmarks)}.{nameof(MemoryTurns)}({Backend})", ConcurrencyConfig.Invocations, ConcurrencyConfig.Warmup);
    }

    /// <summary>Seeds 16 raw sessions.</summary>
    [GlobalSetup(Target = nameof(RawTurns))]
    public async Task SetupRawAsync()
    {
        _raw = await SeededRaw.CreateAsync(Backend, StoredTurns, Sessions);
        _probe = new CaseProbe($"{nameof(ConcurrencyBenchmarks)}.{nameof(RawTurns)}({Backend})", ConcurrencyConfig.Invocations, ConcurrencyConfig.Warmup);
    }

    /// <summary>Computes the p99 of the measured iterations, reports the case and deletes its sessions.</summary>
    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        var method = _memories is not null ? nameof(MemoryTurns) : nameof(RawTurns);
        var p99 = TurnLatencies.Finish(TurnLatencies.Key(method, Backend), ConcurrencyConfig.Measured * ConcurrencyConfig.Invocations);
        _probe.Report($"p99 turn {p99:N2} ms; " + SessionPool<Memory>.GrowthNote(StoredTurns, Sessions, _memories?.AppendedTurns ?? _raw?.AppendedTurns ?? 0));
        await SeededRaw.DisposeAsync(_memories, _raw);
        (_memories, _raw) = (null, null);
    }

    /// <summary>16 workers x 16 raw turns.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Sessions * TurnsPerSession, Description = "Raw driver, 16 sessions")]
    public Task RawTurns()
    {
        _probe.Tick();
        return RunAsync(nameof(RawTurns), i => _raw!.TurnAsync(_raw.Pool.Items[i]));
    }

    /// <summary>16 workers x 16 Memory turns.</summary>
    [Benchmark(OperationsPerInvoke = Sessions * TurnsPerSession, Description = "Memory, 16 sessions")]
    public Task MemoryTurns()
    {
        _probe.Tick();
        return RunAsync(nameof(MemoryTurns), i => _memories!.TurnAsync(_memories.Pool.Items[i]));
    }

    private async Task RunAsync(string method, Func<int, Task> turn)
    {
        var latencies = new double[Sessions * TurnsPerSession];
        await Task.WhenAll(Enumerable.Range(0, Sessions).Select(session => Task.Run(async () =>
        {
            for (var i = 0; i < TurnsPerSession; i++)
            {
                var start = Stopwatch.GetTimestamp();
                await turn(session);
                latencies[(session * TurnsPerSession) + i] = TurnLatencies.Since(start);
            }
        })));
        TurnLatencies.Add(TurnLatencies.Key(method, Backend), latencies);
    }
}
