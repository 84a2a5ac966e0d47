using System.Text.Json.Nodes;

namespace Upsonic.Storage.Mem0;

// The per-turn hot path: each change is a read-modify-write of the session record under its write gate.
public sealed partial class Mem0Storage
{
    /// <inheritdoc />
    protected override async Task<SessionWindow?> LoadSessionWindowCoreAsync(string sessionId, int? historyTurns, CancellationToken cancellationToken)
    {
        var (document, _) = await LoadSessionAsync(sessionId, cancellationToken).ConfigureAwait(false);
        return document is null ? null : new SessionWindow(SessionRows.CopyHead(document.Head), SessionRows.Turns(document.HistoryWindow(historyTurns)));
    }

    /// <inheritdoc />
    protected override Task<RunAppendResult> AppendRunCoreAsync(RunAppend append, CancellationToken cancellationToken) =>
        UnderGateAsync(_sessions, append.SessionId, async () =>
        {
            var (document, record) = await LoadSessionAsync(append.SessionId, cancellationToken).ConfigureAwait(false);
            var previous = document?.FindRun(append.Run.RunId);
            var plan = RunAppendPlan.Create(
                append,
                document is null ? null : new SessionCounters(document.RunCount, document.MessageCount, document.Head.Usage, document.Head.AgentData),
                previous is null ? null : new PreviousRunSave(previous.Record.Sequence, previous.MessageCount, previous.Record.Usage, previous.Record.CreatedAt),
                StorageClock.Now());
            document ??= new Mem0SessionDocument { Head = plan.NewSessionHead() };
            foreach (var (sequence, message) in plan.NewMessages())
            {
                document.Messages.Add(new Mem0SessionDocument.StoredMessage(sequence, plan.Sequence, plan.Run.RunId, append.AddToHistory, StorageJson.SerializeMessage(message)));
            }

            document.Runs.RemoveAll(r => r.Record.RunId == plan.Run.RunId);
            document.Runs.Add(new Mem0SessionDocument.StoredRun { Record = plan.Run, MessageCount = plan.RunMessageCount });
            document.RunCount = plan.RunCount;
            document.MessageCount = plan.MessageCount;
            document.Head.Usage = plan.SessionUsage;
            document.Head.AgentData = plan.AgentData;
            document.Head.UpdatedAt = plan.Now;
            await SaveSessionAsync(document, record, cancellationToken).ConfigureAwait(false);
            return plan.Result;
        }, cancellationToken);

    /// <inheritdoc />
    protected override async Task<RunRecord?> GetRunCoreAsync(string sessionId, string runId, CancellationToken cancellationToken)
    {
        var (document, _) = await LoadSessionAsync(sessionId, cancellationToken).ConfigureAwait(false);
        return document?.FindRun(runId) is { } run ? document.ReadRun(run) : null;
    }

    /// <inheritdoc />
    /// <remarks>Looks through every session record in session id order. A session that cannot be decoded is passed over: the run
    /// found in a readable session is returned; when none holds it, the first undecodable session's <see cref="StorageException"/>
    /// is thrown (the run may be in it), never a null that could be wrong.</remarks>
    protected override async Task<RunRecord?> FindRunCoreAsync(string runId, string? agentId, CancellationToken cancellationToken)
    {
        StorageException? unreadable = null;
        foreach (var listed in (await AllSessionsAsync(includeExpired: false, cancellationToken).ConfigureAwait(false)).OrderBy(l => l.Value?.Head.SessionId ?? l.Id, StringComparer.Ordinal))
        {
            if (listed.Value is not { } document)
            {
                unreadable ??= listed.Unreadable;
            }
            else if (document.FindRun(runId) is { } run && (agentId is null || run.Record.AgentId == agentId))
            {
                return document.ReadRun(run);
            }
        }

        return unreadable is null ? null : throw unreadable;
    }

    /// <inheritdoc />
    protected override async Task<IReadOnlyList<RunRecord>> GetRunsAfterCoreAsync(string sessionId, long afterSequence, int maxRuns, CancellationToken cancellationToken)
    {
        var (document, _) = await LoadSessionAsync(sessionId, cancellationToken).ConfigureAwait(false);
        if (document is null)
        {
            return [];
        }

        var after = document.Runs.Where(r => r.Record.Sequence > afterSequence).OrderBy(r => r.Record.Sequence).ToList();
        return after.Skip(Math.Max(0, after.Count - maxRuns)).Select(document.ReadRun).ToList();
    }

    /// <inheritdoc />
    protected override Task<bool> UpdateSummaryCoreAsync(string sessionId, string summary, long watermark, CancellationToken cancellationToken) =>
        ChangeHeadAsync(sessionId, head =>
        {
            if (head.SummaryWatermark > watermark)
            {
                return false;
            }

            head.Summary = summary;
            head.SummaryWatermark = watermark;
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<bool> MergeSessionMetadataCoreAsync(string sessionId, JsonObject metadata, CancellationToken cancellationToken) =>
        ChangeHeadAsync(sessionId, head =>
        {
            head.Metadata ??= [];
            foreach (var (key, value) in metadata)
            {
                head.Metadata[key] = value?.DeepClone();
            }

            return true;
        }, cancellationToken);

    /// <summary>Applies a change to an existing session's head and writes it when the change says so; false when the session does not exist.</summary>
    private Task<bool> ChangeHeadAsync(string sessionId, Func<AgentSession, bool> change, CancellationToken ct) =>
        UnderGateAsync(_sessions, sessionId, async () =>
        {
            var (document, record) = await LoadSessionAsync(sessionId, ct).ConfigureAwait(false);
            if (document is null || !change(document.Head))
            {
                return false;
            }

            document.Head.UpdatedAt = StorageClock.Now();
            await SaveSessionAsync(document, record, ct).ConfigureAwait(false);
            return true;
        }, ct);
}
