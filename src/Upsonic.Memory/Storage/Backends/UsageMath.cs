using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.AI;

namespace Upsonic.Storage.Backends;

/// <summary>Adds and subtracts token usage, so a session's usage counts each run once however often the run is saved.</summary>
[Experimental(StorageBase.ExperimentalDiagnosticId)]
public static class UsageMath
{
    /// <summary>Returns <paramref name="total"/> + <paramref name="runNow"/> − <paramref name="runBefore"/> (the run's previously counted usage).</summary>
    public static UsageDetails? ApplyRunDelta(UsageDetails? total, UsageDetails? runNow, UsageDetails? runBefore)
    {
        if (runNow is null && runBefore is null)
        {
            return Copy(total);
        }

        var result = Copy(total) ?? new UsageDetails();
        result.InputTokenCount = Combine(result.InputTokenCount, runNow?.InputTokenCount, runBefore?.InputTokenCount);
        result.OutputTokenCount = Combine(result.OutputTokenCount, runNow?.OutputTokenCount, runBefore?.OutputTokenCount);
        result.TotalTokenCount = Combine(result.TotalTokenCount, runNow?.TotalTokenCount, runBefore?.TotalTokenCount);
        result.CachedInputTokenCount = Combine(result.CachedInputTokenCount, runNow?.CachedInputTokenCount, runBefore?.CachedInputTokenCount);
        result.ReasoningTokenCount = Combine(result.ReasoningTokenCount, runNow?.ReasoningTokenCount, runBefore?.ReasoningTokenCount);

        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in new[] { result.AdditionalCounts, runNow?.AdditionalCounts, runBefore?.AdditionalCounts })
        {
            if (source is not null)
            {
                keys.UnionWith(source.Keys);
            }
        }

        if (keys.Count > 0)
        {
            var counts = new AdditionalPropertiesDictionary<long>();
            foreach (var key in keys)
            {
                counts[key] = Get(result.AdditionalCounts, key) + Get(runNow?.AdditionalCounts, key) - Get(runBefore?.AdditionalCounts, key);
            }

            result.AdditionalCounts = counts;
        }

        return result;
    }

    /// <summary>A copy of usage, additional counts included (<see langword="null"/> stays null).</summary>
    public static UsageDetails? Copy(UsageDetails? usage) => usage is null ? null : new UsageDetails
    {
        InputTokenCount = usage.InputTokenCount,
        OutputTokenCount = usage.OutputTokenCount,
        TotalTokenCount = usage.TotalTokenCount,
        CachedInputTokenCount = usage.CachedInputTokenCount,
        ReasoningTokenCount = usage.ReasoningTokenCount,
        AdditionalCounts = usage.AdditionalCounts is null ? null : new AdditionalPropertiesDictionary<long>(usage.AdditionalCounts),
    };

    private static long? Combine(long? total, long? now, long? before) =>
        total is null && now is null && before is null ? null : (total ?? 0) + (now ?? 0) - (before ?? 0);

    private static long Get(AdditionalPropertiesDictionary<long>? counts, string key) =>
        counts is not null && counts.TryGetValue(key, out var value) ? value : 0;
}
