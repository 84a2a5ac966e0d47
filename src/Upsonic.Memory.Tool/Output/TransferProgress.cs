using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace Upsonic.Memory.Tool.Output;

/// <summary>
/// Progress of an export, import or migrate, on stderr: a live bar with percentage, rate and ETA when stderr is a terminal,
/// otherwise a plain line at most once a second (and one at the end), so logs and CI output stay readable.
/// </summary>
internal sealed class TransferProgress
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(1);
    private readonly string _title;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ProgressTask? _task;
    private TimeSpan? _lastLine;

    private TransferProgress(string title, long totalSessions, ProgressTask? task)
    {
        _title = title;
        TotalSessions = totalSessions;
        _task = task;
    }

    /// <summary>The number of sessions expected (0 when unknown).</summary>
    public long TotalSessions { get; }

    /// <summary>Sessions done.</summary>
    public long Sessions { get; private set; }

    /// <summary>Rows (runs and messages) done.</summary>
    public long Rows { get; private set; }

    /// <summary>Runs <paramref name="work"/> while showing its progress.</summary>
    public static async Task<T> RunAsync<T>(string title, long totalSessions, Func<TransferProgress, Task<T>> work)
    {
        if (!ToolConsole.ErrorIsTerminal)
        {
            var plain = new TransferProgress(title, totalSessions, null);
            var result = await work(plain).ConfigureAwait(false);
            plain.Line(force: true);
            return result;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return await new Progress(console)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(title), maxValue: Math.Max(1, totalSessions));
                var progress = new TransferProgress(title, totalSessions, task);
                var result = await work(progress).ConfigureAwait(false);
                task.Value = task.MaxValue;
                return result;
            }).ConfigureAwait(false);
    }

    /// <summary>Counts copied rows (runs and messages).</summary>
    public void AddRows(long rows)
    {
        Rows += rows;
        Update();
    }

    /// <summary>Counts a finished session.</summary>
    public void SessionDone()
    {
        Sessions++;
        if (_task is not null)
        {
            _task.Value = Sessions;
        }

        Update();
    }

    /// <summary>Counts sessions that an earlier, interrupted run already finished.</summary>
    public void Skipped(long sessions)
    {
        Sessions += sessions;
        Update();
    }

    private void Update()
    {
        if (_task is not null)
        {
            _task.Description = Markup.Escape($"{_title}: {Sessions}/{TotalSessions} sessions, {Rows:N0} rows ({Rate()} rows/s)");
            return;
        }

        Line(force: false);
    }

    private void Line(bool force)
    {
        var now = _clock.Elapsed;
        if (!force && _lastLine is { } last && now - last < PlainInterval)
        {
            return;
        }

        _lastLine = now;
        var percent = TotalSessions > 0 ? (100.0 * Sessions / TotalSessions).ToString("0", CultureInfo.InvariantCulture) + "%" : "?%";
        var eta = Sessions > 0 && TotalSessions > Sessions
            ? TimeSpan.FromSeconds(now.TotalSeconds / Sessions * (TotalSessions - Sessions)).ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture)
            : "00:00:00";
        ToolConsole.Status($"{_title}: {Sessions}/{TotalSessions} sessions ({percent}), {Rows.ToString(CultureInfo.InvariantCulture)} rows, {Rate()} rows/s, elapsed {now.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture)}, ETA {eta}");
    }

    private string Rate()
    {
        var seconds = _clock.Elapsed.TotalSeconds;
        return (seconds > 0 ? Rows / seconds : 0).ToString("0", CultureInfo.InvariantCulture);
    }
}
