using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Upsonic.Storage;

/// <summary>
/// One traced and timed piece of work: an activity (when someone listens) and a duration measurement in seconds recorded on
/// <see cref="Dispose"/> (when it has a histogram). <see cref="Fail"/> marks it failed: error status, an <c>exception</c> event and <c>error.type</c> on
/// both the activity and the measurement.
/// </summary>
/// <remarks>
/// <para><b>Security considerations:</b> the exception event holds the exception's type and stack trace but not its message,
/// because driver messages can quote stored values and record ids (a user id, a session id); the status description is the type
/// name. Histogram tags are the low-cardinality ones given at start plus <c>error.type</c>, never ids.</para>
/// </remarks>
internal sealed class TelemetryScope : IDisposable
{
    private readonly Histogram<double>? _duration;
    private readonly long _started = Stopwatch.GetTimestamp();
    private TagList _measurementTags;
    private bool _disposed;

    private TelemetryScope(Activity? activity, Histogram<double>? duration, TagList measurementTags)
    {
        Activity = activity;
        _duration = duration;
        _measurementTags = measurementTags;
    }

    /// <summary>The activity, or <see langword="null"/> when nobody listens to <see cref="MemoryTelemetry.ActivitySource"/>.</summary>
    public Activity? Activity { get; }

    /// <summary>Starts an activity named <paramref name="name"/> (a child of the current one) and the clock.</summary>
    public static TelemetryScope Start(string name, ActivityKind kind, Histogram<double>? duration, TagList measurementTags = default) =>
        new(MemoryTelemetry.ActivitySource.StartActivity(name, kind), duration, measurementTags);

    /// <summary>Marks the work failed with <paramref name="exception"/>; returns <see langword="false"/> so it fits an exception filter.</summary>
    public bool Fail(Exception exception)
    {
        var type = exception.GetType().FullName ?? exception.GetType().Name;
        _measurementTags.Add(TelemetryNames.ErrorType, type);
        if (Activity is { } activity)
        {
            activity.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
            activity.SetTag(TelemetryNames.ErrorType, type);
            activity.AddEvent(new ActivityEvent("exception", tags: new ActivityTagsCollection
            {
                ["exception.type"] = type,
                ["exception.stacktrace"] = exception.StackTrace,
            }));
        }

        return false;
    }

    /// <summary>Records the duration and stops the activity.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _duration?.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds, _measurementTags);
        Activity?.Dispose();
    }
}
