using System.Collections.Concurrent;
using System.Diagnostics;

namespace Upsonic.Benchmarks.Fixtures;

/// <summary>
/// Per-turn latencies of the concurrency cases, recorded per invocation, so the report can give the p99 turn latency of the
/// measured iterations only (the last <c>Measured x Invocations</c> invocations of a case).
/// </summary>
public static class TurnLatencies
{
    private static readonly ConcurrentDictionary<string, List<double[]>> Recorded = new();
    private static readonly ConcurrentDictionary<string, double> P99s = new();

    /// <summary>Stores one invocation's turn latencies (milliseconds) under <paramref name="key"/>.</summary>
    public static void Add(string key, double[] milliseconds)
    {
        var list = Recorded.GetOrAdd(key, _ => []);
        lock (list)
        {
            list.Add(milliseconds);
        }
    }

    /// <summary>Computes and keeps the p99 of the last <paramref name="invocations"/> invocations of <paramref name="key"/>.</summary>
    public static double Finish(string key, int invocations)
    {
        if (!Recorded.TryRemove(key, out var list) || list.Count == 0)
        {
            return double.NaN;
        }

        var samples = list.Skip(Math.Max(0, list.Count - invocations)).SelectMany(x => x).Order().ToArray();
        var p99 = samples[Math.Min(samples.Length - 1, (int)Math.Ceiling(samples.Length * 0.99) - 1)];
        P99s[key] = p99;
        return p99;
    }

    /// <summary>The p99 kept for <paramref name="key"/>, or null.</summary>
    public static double? P99(string key) => P99s.TryGetValue(key, out var value) ? value : null;

    /// <summary>The key of a case: method and backend.</summary>
    public static string Key(string method, string backend) => method + "/" + backend;

    /// <summary>Milliseconds since <paramref name="start"/> (a <see cref="Stopwatch.GetTimestamp"/> value).</summary>
    public static double Since(long start) => Stopwatch.GetElapsedTime(start).TotalMilliseconds;
}
