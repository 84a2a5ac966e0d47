using Microsoft.Extensions.AI;

namespace Upsonic.Storage;

// The write half of a run: the turn first, then summary and profile work.
public sealed partial class Memory
{
    /// <summary>Saves a run according to the save flags, then runs summary and profile work.</summary>
    /// <param name="run">The run: its raw input and only its own messages (never the history or injected context it was given).</param>
    /// <param name="ct">Cancels the save and foreground model work.</param>
    /// <remarks>
    /// <para>A completed run is appended when <see cref="FullSessionMemoryEnabled"/> or <see cref="SummaryMemoryEnabled"/> is on
    /// (its messages join the history only with the first); with neither, only a run saved before (for example paused) has its
    /// record updated. A run that is not completed (paused, errored, cancelled, running) is always appended with its messages in
    /// history, whatever the flags: it is a checkpoint another process can resume. The turn is written, atomically, before any
    /// model work; storage failures propagate to the caller.</para>
    /// <para>Then, for completed runs only: the summary pass (<see cref="SummaryMemoryEnabled"/>, when due by
    /// <see cref="MemoryOptions.SummaryEveryTurns"/> and <see cref="MemoryOptions.SummaryTokenThreshold"/>) and the profile analysis
    /// (<see cref="UserAnalysisMemoryEnabled"/>), before this method returns, or after it when <see cref="BackgroundProcessing"/> is on.
    /// Model failures are logged as warnings and never lose the turn; without a model each step is skipped with one warning.</para>
    /// </remarks>
    /// <exception cref="ArgumentException">The run has no id, a null message list or a null message.</exception>
    public Task SaveRunAsync(AgentRun run, CancellationToken ct = default) => SaveRunCoreAsync(run, storedBefore: null, ct);

    /// <summary>
    /// <see cref="SaveRunAsync(AgentRun, CancellationToken)"/> for callers that know whether the run was stored before: the
    /// agent and the middleware give every new run a fresh id (false) and continue only runs they loaded (true), so a completed
    /// run with history and summary off costs no extra read to find out. Null asks storage.
    /// </summary>
    internal async Task SaveRunCoreAsync(AgentRun run, bool? storedBefore, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (string.IsNullOrWhiteSpace(run.RunId))
        {
            throw new ArgumentException("The run needs a non-empty RunId.", nameof(run));
        }

        if (run.Messages is null || run.Messages.Any(m => m is null))
        {
            throw new ArgumentException("The run's Messages must be a list without null messages.", nameof(run));
        }

        if (!Enum.IsDefined(run.Status))
        {
            throw new ArgumentException("The run's Status is not a RunStatus value.", nameof(run));
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        using var step = MemoryTelemetry.StartStep(TelemetryNames.Save, MemoryTelemetry.SaveDuration, SessionId, UserId);
        step.Activity?.SetTag(TelemetryNames.RunStatus, run.Status.ToString());
        try
        {
            await AppendAndProcessAsync(run, storedBefore, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (step.Fail(ex))
        {
            throw;
        }
    }

    /// <summary>The body of <see cref="SaveRunCoreAsync"/> once the run is valid: the append, then summary and profile work.</summary>
    private async Task AppendAndProcessAsync(AgentRun run, bool? storedBefore, CancellationToken ct)
    {
        var completed = run.Status == RunStatus.Completed;
        var record = ToRecord(run);
        bool? inHistory = !completed ? true
            : FullSessionMemoryEnabled || SummaryMemoryEnabled ? FullSessionMemoryEnabled
            : (storedBefore ?? await Storage.GetRunAsync(SessionId, run.RunId, ct).ConfigureAwait(false) is not null) ? false
            : null;
        (string RunId, long Sequence)? resumed = null;
        if (inHistory is { } addToHistory)
        {
            var result = await Storage.AppendRunAsync(
                new RunAppend { SessionId = SessionId, Run = record, AddToHistory = addToHistory, AgentName = run.AgentName }, ct).ConfigureAwait(false);
            MemoryTelemetry.TurnsSaved.Add(1);
            MemoryLog.RunSaved(_logger, InfoLevel, SessionId, run.RunId, run.Status, result.MessagesAppended, addToHistory);

            // Stored before and completed by this save with new messages (not a repeated save of a completed run): it may sit at or
            // below the summary watermark if later runs were summarized while it waited.
            if (completed && !result.RunCreated && result.MessagesAppended > 0)
            {
                resumed = (run.RunId, result.Sequence);
            }
        }
        else
        {
            MemoryLog.RunNotSaved(_logger, InfoLevel, SessionId, run.RunId);
        }

        if (!completed)
        {
            return;
        }

        var work = new MemoryWork(
            SummaryMemoryEnabled && HasModelFor(summary: true),
            UserAnalysisMemoryEnabled && HasModelFor(summary: false) ? UserPrompts(run) : null,
            run.AgentId,
            resumed);
        if (!work.Summary && work.ProfilePrompts is null)
        {
            return;
        }

        if (BackgroundProcessing)
        {
            EnqueueBackground(work);
            return;
        }

        await ProcessAsync([work], ct).ConfigureAwait(false);
    }

    /// <summary>Runs the model work of one or more runs: one summary pass covers them all; their user prompts form one analysis.</summary>
    private async Task ProcessAsync(IReadOnlyList<MemoryWork> batch, CancellationToken ct)
    {
        if (_model is null)
        {
            return;
        }

        if (batch.Any(w => w.Summary))
        {
            await MemoryTelemetry.TraceStepAsync(TelemetryNames.Summary, MemoryTelemetry.SummaryDuration, SessionId, UserId,
                () => new SessionSummarizer(Storage, SessionId, _model, Limits, _runtime.SummaryLogger, InfoLevel)
                    .RunAsync([.. batch.Where(w => w.Summary && w.Resumed is not null).Select(w => w.Resumed!.Value)], ct)).ConfigureAwait(false);
        }

        var profileWork = batch.Where(w => w.ProfilePrompts is not null).ToList();
        if (profileWork.Count > 0)
        {
            var prompts = profileWork.SelectMany(w => w.ProfilePrompts!).ToList();
            await MemoryTelemetry.TraceStepAsync(TelemetryNames.Profile, MemoryTelemetry.ProfileDuration, SessionId, UserId,
                () => new UserProfileAnalyzer(this, _model, _runtime.ProfileLogger, InfoLevel).RunAsync(prompts, profileWork[^1].AgentId, ct)).ConfigureAwait(false);
        }
    }

    private void EnqueueBackground(MemoryWork work)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_runtime.Worker.TryEnqueue(Scope, work, ProcessAsync))
        {
            // Only a factory's worker can be drained while its memories live: the factory has been disposed.
            throw new ObjectDisposedException(nameof(MemoryFactory), "The MemoryFactory that made this memory has been disposed; the run was saved, its summary and profile work was not queued.");
        }
    }

    private bool HasModelFor(bool summary)
    {
        if (_model is not null)
        {
            return true;
        }

        if (summary && _runtime.FirstWithoutModel(summary: true))
        {
            MemoryLog.SummaryWithoutModel(_logger, SessionId);
        }
        else if (!summary && _runtime.FirstWithoutModel(summary: false))
        {
            MemoryLog.ProfileWithoutModel(_logger, SessionId);
        }

        return false;
    }

    private RunRecord ToRecord(AgentRun run) => new()
    {
        RunId = run.RunId,
        SessionId = SessionId,
        AgentId = run.AgentId,
        AgentName = run.AgentName,
        UserId = run.UserId ?? UserId,
        Status = run.Status,
        PauseReason = run.PauseReason,
        Error = run.Error,
        Input = run.Input,
        Output = run.Output,
        Usage = run.Usage,
        Metadata = StorageJson.Clone(run.Metadata),
        Messages = [.. run.Messages],
    };

    // The raw input when given; otherwise the text of the run's user messages (never injected context: that is not in them).
    private static IReadOnlyList<string> UserPrompts(AgentRun run) =>
        !string.IsNullOrWhiteSpace(run.Input)
            ? [run.Input]
            : run.Messages.Where(m => m.Role == ChatRole.User).Select(m => m.Text).Where(t => !string.IsNullOrWhiteSpace(t)).ToList();
}
