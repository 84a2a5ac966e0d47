using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Upsonic.Benchmarks.Fixtures;

/// <summary>
/// A short job for benchmarks whose operation writes a turn (milliseconds on a database): in-process, one launch, 2 warmup and
/// 15 measured iterations of a FIXED number of invocations, so the number of turns appended per case is known in advance
/// (see <see cref="TurnsPerCase"/> and <see cref="SessionPool{T}"/>).
/// </summary>
public class ShortTurnConfig : ManualConfig
{
    /// <summary>Invocations per iteration.</summary>
    public const int InvocationsPerIteration = 32;

    /// <summary>Upper bound of the turns one case appends: (jitting + 2 warmup + 15 measured iterations) x invocations.</summary>
    public const int TurnsPerCase = (1 + 2 + 15) * InvocationsPerIteration;

    /// <summary>Builds the job.</summary>
    public ShortTurnConfig()
        : this(InvocationsPerIteration)
    {
    }

    /// <summary>Builds the job with <paramref name="invocations"/> invocations per iteration.</summary>
    protected ShortTurnConfig(int invocations)
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(15)
            .WithInvocationCount(invocations)
            .WithUnrollFactor(1)
            .WithId("Short"));

        // The machine is shared: Median and Min are less sensitive to other load than Mean.
        AddColumn(StatisticColumn.Median, StatisticColumn.Min);
    }
}

/// <summary>The same short job with more invocations per iteration, for microsecond operations (InMemoryStorage).</summary>
public class ShortInProcessConfig : ShortTurnConfig
{
    /// <summary>Invocations per iteration.</summary>
    public new const int InvocationsPerIteration = 512;

    /// <summary>Upper bound of the turns one case appends.</summary>
    public new const int TurnsPerCase = (1 + 2 + 15) * InvocationsPerIteration;

    /// <summary>Builds the job.</summary>
    public ShortInProcessConfig()
        : base(InvocationsPerIteration)
    {
    }
}
