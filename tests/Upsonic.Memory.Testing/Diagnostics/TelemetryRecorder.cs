using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Xunit;

namespace Upsonic.Storage.Testing;

/// <summary>
/// Records the spans and measurements of one test: it starts a root activity (made current for the test's code) and keeps
/// only the activities of that trace, from <see cref="MemoryTelemetry.Name"/> and <see cref="ModelSource"/>, and only the
/// <see cref="MemoryTelemetry.Meter"/> measurements taken inside that trace, so tests running in parallel do not mix.
/// </summary>
public sealed class TelemetryRecorder : IDisposable
{
    /// <summary>The activity source a test gives its model's <c>UseOpenTelemetry</c>, so the model call is a span too.</summary>
    public const string ModelSource = "Upsonic.Memory.Tests.Model";

    private const string TestSourceName = "Upsonic.Memory.Tests";
    private static readonly ActivitySource TestSource = new(TestSourceName);
    private readonly ActivityListener _listener;
    private readonly MeterListener _meters;
    private readonly ConcurrentQueue<Activity> _activities = new();
    private readonly ConcurrentQueue<RecordedMeasurement> _measurements = new();
    private readonly ActivityTraceId _traceId;

    /// <summary>Starts listening and starts the root activity.</summary>
    public TelemetryRecorder()
    {
        _listener = new ActivityListener
        {
            // By name: the source may be created (on first use of this type) while the listener is being added.
            ShouldListenTo = s => s.Name is MemoryTelemetry.Name or ModelSource or TestSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.TraceId == _traceId && a != Root)
                {
                    _activities.Enqueue(a);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
        Root = TestSource.StartActivity("test") ?? throw new InvalidOperationException("The test activity did not start.");
        _traceId = Root.TraceId;

        _meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == MemoryTelemetry.Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Measure(instrument, value, tags));
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Measure(instrument, value, tags));
        _meters.Start();
    }

    /// <summary>The test's root activity: the parent of the spans the test's code starts.</summary>
    public Activity Root { get; }

    /// <summary>The stopped activities of the test's trace, in the order they stopped.</summary>
    public IReadOnlyList<Activity> Activities => [.. _activities];

    /// <summary>The measurements taken inside the test's trace.</summary>
    public IReadOnlyList<RecordedMeasurement> Measurements => [.. _measurements];

    /// <summary>The one stopped activity named <paramref name="name"/>.</summary>
    public Activity Single(string name) => Assert.Single(Activities, a => a.DisplayName == name);

    /// <summary>The stopped activities whose parent is <paramref name="parent"/>, in start order.</summary>
    public IReadOnlyList<Activity> ChildrenOf(Activity parent) =>
        [.. Activities.Where(a => a.ParentSpanId == parent.SpanId).OrderBy(a => a.StartTimeUtc)];

    /// <summary>Every tag value of every recorded span, span event and measurement, as text.</summary>
    public IEnumerable<string> AllTagValues() =>
        Activities.SelectMany(a => a.TagObjects.Concat(a.Events.SelectMany(e => e.Tags)).Select(t => $"{t.Key}={t.Value}").Append(a.DisplayName)
                .Append(a.StatusDescription ?? ""))
            .Concat(Measurements.SelectMany(m => m.Tags.Select(t => $"{t.Key}={t.Value}")));

    /// <inheritdoc />
    public void Dispose()
    {
        Root.Dispose();
        _meters.Dispose();
        _listener.Dispose();
    }

    private void Measure<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct
    {
        if (Activity.Current?.TraceId == _traceId)
        {
            _measurements.Enqueue(new RecordedMeasurement(instrument.Name, instrument.Unit, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), [.. tags]));
        }
    }
}

/// <summary>One measurement of an instrument of the <see cref="MemoryTelemetry.Meter"/>.</summary>
/// <param name="Instrument">The instrument's name.</param>
/// <param name="Unit">The instrument's unit.</param>
/// <param name="Value">The measured value.</param>
/// <param name="Tags">The measurement's tags.</param>
public sealed record RecordedMeasurement(string Instrument, string? Unit, double Value, IReadOnlyList<KeyValuePair<string, object?>> Tags)
{
    /// <summary>The value of the tag <paramref name="key"/>, or <see langword="null"/>.</summary>
    public object? Tag(string key) => Tags.FirstOrDefault(t => t.Key == key).Value;
}
