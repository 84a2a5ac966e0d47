using System.Runtime;

namespace Upsonic.Benchmarks.Fixtures;

/// <summary>
/// Evidence that a case measured the steady state: counts the case's invocations, notes the JIT's compiled-method count when the
/// measured iterations start, and at the end prints (to the run's log) how many methods were compiled during them, the load
/// average and the stored turns per session at the end.
/// </summary>
public sealed class CaseProbe(string label, int invocationsPerIteration, int warmupIterations)
{
    // BenchmarkDotNet runs one jitting invocation, then the warmup iterations, then the measured ones.
    private readonly long _measuredFrom = 1 + ((long)warmupIterations * invocationsPerIteration);
    private long _calls;
    private long _compiledAtStart = -1;

    /// <summary>Counts one invocation; call first in the benchmark method.</summary>
    public void Tick()
    {
        if (Interlocked.Increment(ref _calls) == _measuredFrom + 1)
        {
            _compiledAtStart = JitInfo.GetCompiledMethodCount();
        }
    }

    /// <summary>Prints the case's line: methods compiled while measured, load average, and what the caller adds.</summary>
    public void Report(string? extra = null)
    {
        var compiled = _compiledAtStart < 0 ? "n/a" : (JitInfo.GetCompiledMethodCount() - _compiledAtStart).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Console.WriteLine($"// [probe] {label}: {_calls} invocations; methods JIT-compiled during the measured iterations: {compiled}; " +
            $"load average {LoadAverage.Read()}{(extra is null ? "" : "; " + extra)}");
    }
}
