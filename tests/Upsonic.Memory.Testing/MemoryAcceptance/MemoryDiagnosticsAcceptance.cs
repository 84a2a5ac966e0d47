using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Upsonic.Storage;
using Xunit;

namespace Upsonic.Storage.Testing;

/// <summary>Logging, tracing and metrics of memory work.</summary>
public abstract class MemoryDiagnosticsAcceptance<TTarget> : BackgroundMemoryAcceptance<TTarget>
    where TTarget : StorageTarget, new()
{
    [Fact]
    public async Task Missing_model_warnings_are_logged_once_per_memory_with_the_session_id()
    {
        var memory = NewMemory(new() { SessionId = "s-nomodel", SummaryMemory = true, UserAnalysisMemory = true }, withModel: false);
        for (var i = 0; i < 3; i++)
        {
            await TurnAsync(memory, "turn " + i);
        }

        Assert.Equal(2, Logs.Warnings.Count);
        Assert.All(Logs.Warnings, w => Assert.Contains("s-nomodel", w.Message, StringComparison.Ordinal));
        Assert.Single(Logs.Warnings, w => w.Message.Contains("Summary", StringComparison.Ordinal));
        Assert.Single(Logs.Warnings, w => w.Message.Contains("User analysis", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Debug_raises_prepare_and_save_logs_to_information()
    {
        var quiet = new RecordingLoggerFactory();
        await TurnAsync(NewMemory(new() { FullSessionMemory = true }, loggerFactory: quiet), "hello");
        Assert.DoesNotContain(quiet.Entries, e => e.Level >= LogLevel.Information);
        Assert.Contains(quiet.Entries, e => e.Level == LogLevel.Debug && e.Message.StartsWith("Saved run", StringComparison.Ordinal));

        var loud = new RecordingLoggerFactory();
        await TurnAsync(NewMemory(new() { FullSessionMemory = true, Debug = true }, loggerFactory: loud), "hello");
        Assert.Contains(loud.Entries, e => e.Level == LogLevel.Information && e.Message.StartsWith("Prepared memory", StringComparison.Ordinal));
        Assert.Contains(loud.Entries, e => e.Level == LogLevel.Information && e.Message.StartsWith("Saved run", StringComparison.Ordinal));
        Assert.DoesNotContain(loud.Entries, e => e.Message.StartsWith("Prepared input", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Logs_never_contain_the_users_text_below_debug_level_two()
    {
        MemoryModel.Summaries(_ => "s").Traits("""{"detected_tone":"secretive"}""");
        var memory = NewMemory(new() { FullSessionMemory = true, SummaryMemory = true, UserAnalysisMemory = true, Debug = true });
        await TurnAsync(memory, "my password is hunter2");
        await TurnAsync(memory, "again");
        Assert.DoesNotContain(Logs.Entries, e => e.Message.Contains("hunter2", StringComparison.Ordinal) || e.Message.Contains("secretive", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Memory_work_is_traced_and_counted_under_upsonic_memory()
    {
        var activities = new List<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == MemoryTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = a =>
            {
                if (Equals(a.GetTagItem("upsonic.memory.session_id"), "s-traced"))
                {
                    lock (activities)
                    {
                        activities.Add(a.OperationName);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        long turns = 0, characters = 0;
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == MemoryTelemetry.Name)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "upsonic.memory.turns_saved")
            {
                Interlocked.Add(ref turns, value);
            }
            else if (instrument.Name == "upsonic.memory.model_input_characters")
            {
                Interlocked.Add(ref characters, value);
            }
        });
        meters.Start();

        MemoryModel.Summaries(_ => "A summary.").Traits("""{"detected_tone":"casual"}""");
        var memory = NewMemory(new() { SessionId = "s-traced", FullSessionMemory = true, SummaryMemory = true, UserAnalysisMemory = true });
        await TurnAsync(memory, "hello");

        Assert.Equal(["memory.prepare", "memory.summary", "memory.profile", "memory.save"], activities);
        Assert.True(Interlocked.Read(ref turns) >= 1);
        Assert.True(Interlocked.Read(ref characters) >= MemoryModel.TotalCharactersSent);
    }
}
