using System.Text.Json.Nodes;

namespace Upsonic.Storage;

// The per-turn hot path: window reads, run appends (one log line each), run reads, summary and metadata updates.
public sealed partial class JsonStorage
{
    /// <inheritdoc />
    protected override Task<SessionWindow?> LoadSessionWindowCoreAsync(string sessionId, int? historyTurns, CancellationToken cancellationToken) =>
        LoadSessionWindowCoreAsync(new SessionWindowRequest { SessionId = sessionId, HistoryTurns = historyTurns }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// The session's log is brought up to date (only lines appended since the last read are read); then only the window's
    /// messages are parsed: the newest whole turns within the count and the budget (token counts come from the log lines), or,
    /// with a mark of the same log generation, only the messages stored after it. A window of no turns reads the log without
    /// keeping its messages.
    /// </remarks>
    protected override Task<SessionWindow?> LoadSessionWindowCoreAsync(SessionWindowRequest request, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            if ((request.HistoryTurns == 0 ? LoadSessionWithoutRows(request.SessionId) : LoadSession(request.SessionId)) is not { } session)
            {
                return null;
            }

            var mark = new SessionWindowMark(session.Epoch, session.MessageCount);
            if (request.HistoryTurns == 0)
            {
                return new SessionWindow(SessionRows.CopyHead(session.Head), []) { Mark = mark };
            }

            long? since = request.Since is { } held && held.Epoch == mark.Epoch && held.MessageSequence <= mark.MessageSequence ? held.MessageSequence : null;
            return new SessionWindow(SessionRows.CopyHead(session.Head), session.Window(since, request.HistoryTurns, request.HistoryTokenBudget))
            {
                Mark = mark,
                IsIncremental = since is not null,
            };
        }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>One line appended to the session's log and flushed to disk (a new session: its log written whole and renamed
    /// into place, then its head file): a crash leaves the run saved whole or not at all.</remarks>
    protected override Task<RunAppendResult> AppendRunCoreAsync(RunAppend append, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            var session = LoadSession(append.SessionId);
            var previous = session?.Runs.GetValueOrDefault(append.Run.RunId);
            var plan = RunAppendPlan.Create(
                append,
                session is null ? null : new SessionCounters(session.RunCount, session.MessageCount, session.Head.Usage, session.Head.AgentData),
                previous is null ? null : new PreviousRunSave(previous.Run.Sequence, previous.MessageCount, previous.Run.Usage, previous.Run.CreatedAt),
                StorageClock.Now());
            var entry = new JsonLogEntry
            {
                Number = session?.NextEntry ?? 1,
                Runs = [new JsonLogRun { Run = plan.Run, MessageCount = plan.RunMessageCount }],
                Messages = plan.NewMessages().Select(m => JsonLogMessage.Of(m.Sequence, plan.Sequence, plan.Run.RunId, append.AddToHistory, m.Message)).ToList(),
                RunCount = plan.RunCount,
                MessageCount = plan.MessageCount,
                Usage = plan.SessionUsage,
                AgentData = plan.AgentData,
                UpdatedAt = plan.Now,
            };
            if (session is null)
            {
                JsonSession.Create(SessionDirectory, plan.NewSessionHead(), entry);
            }
            else
            {
                session.Append(entry);
            }

            return plan.Result;
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<RunRecord?> GetRunCoreAsync(string sessionId, string runId, CancellationToken cancellationToken) =>
        LockedAsync(() => LoadSession(sessionId) is { } session && session.Runs.TryGetValue(runId, out var run) ? session.ReadCheckedRun(run) : null,
            cancellationToken);

    /// <inheritdoc />
    /// <remarks>Reads every session (there is no index on run ids). When no readable session holds the run and a session cannot
    /// be read, that session's <see cref="StorageException"/> is thrown: the run may be in it.</remarks>
    protected override Task<RunRecord?> FindRunCoreAsync(string runId, string? agentId, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            var sessions = ListSessions(rows: true);
            foreach (var session in sessions.Select(s => s.Session).OfType<JsonSession>().OrderBy(s => s.Head.SessionId, StringComparer.Ordinal))
            {
                if (session.Runs.TryGetValue(runId, out var run) && (agentId is null || run.Run.AgentId == agentId))
                {
                    return session.ReadCheckedRun(run);
                }
            }

            return sessions.Select(s => s.Failure).FirstOrDefault(f => f is not null) is { } failure ? throw failure : (RunRecord?)null;
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<IReadOnlyList<RunRecord>> GetRunsAfterCoreAsync(string sessionId, long afterSequence, int maxRuns, CancellationToken cancellationToken) =>
        LockedAsync<IReadOnlyList<RunRecord>>(() => LoadSession(sessionId) is { } session
            ? session.Runs.Values.Where(r => r.Run.Sequence > afterSequence).OrderBy(r => r.Run.Sequence).TakeLast(maxRuns).Select(session.ReadRun).ToList()
            : [], cancellationToken);

    /// <inheritdoc />
    protected override Task<bool> UpdateSummaryCoreAsync(string sessionId, string summary, long watermark, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            if (LoadSession(sessionId) is not { } session || session.Head.SummaryWatermark > watermark)
            {
                return false;
            }

            session.Head.Summary = summary;
            session.Head.SummaryWatermark = watermark;
            session.Head.UpdatedAt = StorageClock.Now();
            session.WriteHead();
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<bool> MergeSessionMetadataCoreAsync(string sessionId, JsonObject metadata, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            if (LoadSession(sessionId) is not { } session)
            {
                return false;
            }

            session.Head.Metadata ??= [];
            foreach (var (key, value) in metadata)
            {
                session.Head.Metadata[key] = value?.DeepClone();
            }

            session.Head.UpdatedAt = StorageClock.Now();
            session.WriteHead();
            return true;
        }, cancellationToken);
}
