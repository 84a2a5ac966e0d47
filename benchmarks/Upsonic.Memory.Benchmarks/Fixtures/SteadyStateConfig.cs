using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Upsonic.Benchmarks.Fixtures;

/// <summary>
/// The steady-state job: in-process, one launch, <see cref="WarmupIterations"/> warmup and <see cref="MeasuredIterations"/>
/// measured iterations of a FIXED number of invocations, chosen per class so an iteration lasts 100 ms or more on this machine
/// (so the number of turns a case appends is known in advance: <see cref="TurnsPerCase"/>). The runtime's defaults stay on
/// (tiered compilation with tiered PGO, as applications run): the warmup is long enough for the hot methods to reach tier 1, and
/// every case prints how many methods the JIT compiled during its measured iterations (<see cref="CaseProbe"/>).
/// </summary>
public abstract class SteadyStateConfig : ManualConfig
{
    /// <summary>Warmup iterations per case.</summary>
    public const int WarmupIterations = 6;

    /// <summary>Measured iterations per case.</summary>
    public const int MeasuredIterations = 10;

    // In-process (one process, so every case shares the fixtures' servers and the run's load), with a timeout long enough for
    // the seeding of the largest cases on a loaded machine.
    private static readonly InProcessEmitToolchain Toolchain = new(TimeSpan.FromMinutes(30), logOutput: true);

    /// <summary>Builds the job with <paramref name="invocations"/> invocations per iteration.</summary>
    protected SteadyStateConfig(int invocations, int warmup = WarmupIterations, int measured = MeasuredIterations)
    {
        AddJob(Job.Default
            .WithToolchain(Toolchain)
            .WithLaunchCount(1)
            .WithWarmupCount(warmup)
            .WithIterationCount(measured)
            .WithInvocationCount(invocations)
            .WithUnrollFactor(1)
            .WithId("Steady"));
        AddDiagnoser(MemoryDiagnoser.Default);

        // The machine is shared: Median and Min are less sensitive to other load than Mean.
        AddColumn(StatisticColumn.Median, StatisticColumn.Min, StatisticColumn.P95);
    }

    /// <summary>A positive integer from the environment variable <paramref name="name"/>, or <paramref name="fallback"/>.</summary>
    protected static int FromEnvironment(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) && value > 0 ? value : fallback;

    /// <summary>The most turns one case appends with <paramref name="invocations"/> per iteration: jitting + warmup + measured.</summary>
    public static int TurnsPerCase(int invocations, int warmup = WarmupIterations, int measured = MeasuredIterations) =>
        (1 + warmup + measured) * invocations + 1;
}

/// <summary>
/// InMemoryStorage turns (tens of microseconds): 6,144 invocations per iteration (so the fastest row, the storage calls alone at
/// about 25 µs on an idle machine, still takes 100 ms per iteration), or <c>UPSONIC_BENCH_INMEMORY_INVOCATIONS</c>.
/// </summary>
public sealed class InMemoryTurnConfig() : SteadyStateConfig(Invocations)
{
    /// <summary>Invocations per iteration.</summary>
    public static int Invocations { get; } = FromEnvironment("UPSONIC_BENCH_INMEMORY_INVOCATIONS", 6_144);
}

/// <summary>
/// Database turns (a few hundred microseconds to a few milliseconds on a shared machine): 384 invocations per iteration, or
/// <c>UPSONIC_BENCH_DB_INVOCATIONS</c> (pick it so the fastest row, the raw Redis turn, still takes 100 ms per iteration).
/// </summary>
public sealed class DatabaseTurnConfig() : SteadyStateConfig(Invocations)
{
    /// <summary>Invocations per iteration.</summary>
    public static int Invocations { get; } = FromEnvironment("UPSONIC_BENCH_DB_INVOCATIONS", 384);
}

/// <summary>Whole-session rewrites at 1,000 turns (tens of milliseconds): 8 invocations per iteration, 4 warmup + 8 measured.</summary>
public sealed class RewriteConfig() : SteadyStateConfig(Invocations, Warmup, Measured)
{
    /// <summary>Invocations per iteration.</summary>
    public const int Invocations = 8;

    /// <summary>Warmup iterations.</summary>
    public const int Warmup = 4;

    /// <summary>Measured iterations.</summary>
    public const int Measured = 8;
}

/// <summary>
/// Whole-history prepares at 20,000 turns (tens to hundreds of milliseconds each): 4 invocations per iteration (the fastest,
/// about 35 ms on an idle machine, then takes over 100 ms per iteration), 3 warmup + 6 measured.
/// </summary>
public sealed class WholeHistoryConfig() : SteadyStateConfig(Invocations, Warmup, 6)
{
    /// <summary>Invocations per iteration.</summary>
    public const int Invocations = 4;

    /// <summary>Warmup iterations.</summary>
    public const int Warmup = 3;
}

/// <summary>
/// 16 concurrent sessions: one invocation is 16 x <see cref="ConcurrencyBenchmarks.TurnsPerSession"/> turns; 4 invocations per
/// iteration (or <c>UPSONIC_BENCH_CONCURRENCY_INVOCATIONS</c>), 4 warmup + 8 measured, with the turns/s and p99 turn latency columns.
/// </summary>
public sealed class ConcurrencyConfig : SteadyStateConfig
{
    /// <summary>Invocations per iteration.</summary>
    public static readonly int Invocations = FromEnvironment("UPSONIC_BENCH_CONCURRENCY_INVOCATIONS", 4);

    /// <summary>Warmup iterations.</summary>
    public const int Warmup = 4;

    /// <summary>Measured iterations.</summary>
    public const int Measured = 8;

    /// <summary>Builds the job and its columns.</summary>
    public ConcurrencyConfig()
        : base(Invocations, Warmup, Measured)
    {
        AddColumn(new TurnsPerSecondColumn(), new TurnLatencyColumn());
    }
}
