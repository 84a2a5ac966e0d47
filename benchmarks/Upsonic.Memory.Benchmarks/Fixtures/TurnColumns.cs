using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Upsonic.Benchmarks.Fixtures;

/// <summary>Turns per second of a concurrency case: 1 / median time per turn (the cases report per turn: OperationsPerInvoke).</summary>
public sealed class TurnsPerSecondColumn : IColumn
{
    /// <inheritdoc />
    public string Id => nameof(TurnsPerSecondColumn);

    /// <inheritdoc />
    public string ColumnName => "Turns/s (median)";

    /// <inheritdoc />
    public bool AlwaysShow => true;

    /// <inheritdoc />
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc />
    public int PriorityInCategory => 0;

    /// <inheritdoc />
    public bool IsNumeric => true;

    /// <inheritdoc />
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc />
    public string Legend => "Turns per second over all 16 sessions: 1 / median time per turn";

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        summary[benchmarkCase]?.ResultStatistics is { } stats ? (1e9 / stats.Median).ToString("N0", CultureInfo.InvariantCulture) : "-";

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    /// <inheritdoc />
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    /// <inheritdoc />
    public bool IsAvailable(Summary summary) => true;
}

/// <summary>The p99 latency of one turn in a concurrency case, over its measured iterations (<see cref="TurnLatencies"/>).</summary>
public sealed class TurnLatencyColumn : IColumn
{
    /// <inheritdoc />
    public string Id => nameof(TurnLatencyColumn);

    /// <inheritdoc />
    public string ColumnName => "p99 turn (ms)";

    /// <inheritdoc />
    public bool AlwaysShow => true;

    /// <inheritdoc />
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc />
    public int PriorityInCategory => 1;

    /// <inheritdoc />
    public bool IsNumeric => true;

    /// <inheritdoc />
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc />
    public string Legend => "99th percentile of one turn's latency (prepare + save) over the measured iterations";

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var backend = benchmarkCase.Parameters["Backend"] as string ?? "";
        return TurnLatencies.P99(TurnLatencies.Key(benchmarkCase.Descriptor.WorkloadMethod.Name, backend)) is { } p99
            ? p99.ToString("N2", CultureInfo.InvariantCulture)
            : "-";
    }

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    /// <inheritdoc />
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    /// <inheritdoc />
    public bool IsAvailable(Summary summary) => true;
}
