using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Upsonic.Benchmarks.Fixtures;

/// <summary>What the custom columns of the concurrency cases share: a numeric custom column, always shown.</summary>
public abstract class TurnColumn(string columnName, string legend, int priority) : IColumn
{
    /// <inheritdoc />
    public string Id => GetType().Name;

    /// <inheritdoc />
    public string ColumnName => columnName;

    /// <inheritdoc />
    public bool AlwaysShow => true;

    /// <inheritdoc />
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc />
    public int PriorityInCategory => priority;

    /// <inheritdoc />
    public bool IsNumeric => true;

    /// <inheritdoc />
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc />
    public string Legend => legend;

    /// <inheritdoc />
    public abstract string GetValue(Summary summary, BenchmarkCase benchmarkCase);

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    /// <inheritdoc />
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    /// <inheritdoc />
    public bool IsAvailable(Summary summary) => true;
}

/// <summary>Turns per second of a concurrency case: 1 / median time per turn (the cases report per turn: OperationsPerInvoke).</summary>
public sealed class TurnsPerSecondColumn()
    : TurnColumn("Turns/s (median)", "Turns per second over all 16 sessions: 1 / median time per turn", 0)
{
    /// <inheritdoc />
    public override string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        summary[benchmarkCase]?.ResultStatistics is { } stats ? (1e9 / stats.Median).ToString("N0", CultureInfo.InvariantCulture) : "-";
}

/// <summary>The p99 latency of one turn in a concurrency case, over its measured iterations (<see cref="TurnLatencies"/>).</summary>
public sealed class TurnLatencyColumn()
    : TurnColumn("p99 turn (ms)", "99th percentile of one turn's latency (prepare + save) over the measured iterations", 1)
{
    /// <inheritdoc />
    public override string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var backend = benchmarkCase.Parameters["Backend"] as string ?? "";
        return TurnLatencies.P99(TurnLatencies.Key(benchmarkCase.Descriptor.WorkloadMethod.Name, backend)) is { } p99
            ? p99.ToString("N2", CultureInfo.InvariantCulture)
            : "-";
    }
}
