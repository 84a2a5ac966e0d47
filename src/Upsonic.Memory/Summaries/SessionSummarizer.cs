using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Upsonic.Storage;

/// <summary>Updates a session's running summary incrementally: the previous summary plus the runs after its watermark.</summary>
/// <remarks>
/// <para>The input is bounded whatever the session's length (<see cref="MemoryLimits"/>). A pass runs when the waiting runs are due
/// (<see cref="SummaryCadence"/>); a backlog larger than one pass's characters goes in several calls, oldest first, so no run is
/// left out. Each new summary is stored with the sequence of the last run it covers, and only if no newer summary was stored
/// meanwhile.</para>
/// <para>A run that was stored before and completed after later runs were summarized (a long pause) sits at or below the
/// watermark: the pass that its save asks for adds it, whatever the cadence, and keeps the watermark.</para>
/// <para>A failed or empty model reply keeps the previous summary and is logged as a warning; storage failures propagate.</para>
/// </remarks>
internal sealed class SessionSummarizer(IStorage storage, string sessionId, MemoryModel model, MemoryLimits limits, ILogger logger, LogLevel infoLevel)
{
    /// <summary>Runs a pass if one is due or <paramref name="resumed"/> holds a run below the watermark.</summary>
    /// <param name="resumed">The runs of this batch that were stored before and completed now.</param>
    /// <param name="ct">Cancels the pass.</param>
    public async Task RunAsync(IReadOnlyList<(string RunId, long Sequence)> resumed, CancellationToken ct)
    {
        var window = await storage.LoadSessionWindowAsync(sessionId, 0, ct).ConfigureAwait(false);
        if (window is null)
        {
            return;
        }

        var watermark = window.Session.SummaryWatermark;
        var runs = await storage.GetRunsAfterAsync(sessionId, watermark, limits.SummaryMaxRuns, ct).ConfigureAwait(false);
        var waiting = runs.Where(r => r.Status == RunStatus.Completed).ToList();
        var late = await LateRunsAsync(resumed, watermark, ct).ConfigureAwait(false);
        if (late.Count == 0 && !SummaryCadence.IsDue(waiting, limits))
        {
            return;
        }

        var summary = window.Session.Summary;
        var queue = late.Concat(waiting).ToList();
        while (queue.Count > 0)
        {
            var count = TurnTranscript.FittingCount(queue, limits.SummaryMaxMessageCharacters, limits.SummaryMaxTurnCharacters);
            var pass = queue.GetRange(0, count);
            queue.RemoveRange(0, count);
            var transcript = TurnTranscript.Render(pass, limits.SummaryMaxMessageCharacters, limits.SummaryMaxTurnCharacters);
            var prompt = SummaryPrompt.Build(summary, transcript, limits.SummaryMaxCharacters);
            string reply;
            try
            {
                reply = await model.AskAsync("summary", SummaryPrompt.Instructions, prompt, ChatResponseFormat.Text, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                MemoryLog.SummaryFailed(logger, ex, sessionId);
                return;
            }

            if (reply.Length == 0)
            {
                MemoryModel.CountUnusable("summary");
                MemoryLog.SummaryEmpty(logger, sessionId);
                return;
            }

            watermark = Math.Max(watermark, pass[^1].Sequence);
            if (!await storage.UpdateSummaryAsync(sessionId, reply, watermark, ct).ConfigureAwait(false))
            {
                // A newer summary was stored meanwhile: it covers this pass's runs.
                return;
            }

            summary = reply;
            MemoryLog.SummaryUpdated(logger, infoLevel, sessionId, watermark, SummaryPrompt.Instructions.Length + prompt.Length);
        }
    }

    /// <summary>The resumed runs at or below the watermark, completed, oldest first (one read each: resumed runs are rare).</summary>
    private async Task<List<RunRecord>> LateRunsAsync(IReadOnlyList<(string RunId, long Sequence)> resumed, long watermark, CancellationToken ct)
    {
        var late = new List<RunRecord>();
        foreach (var (runId, _) in resumed.Where(r => r.Sequence <= watermark).DistinctBy(r => r.RunId).OrderBy(r => r.Sequence))
        {
            if (await storage.GetRunAsync(sessionId, runId, ct).ConfigureAwait(false) is { Status: RunStatus.Completed } run)
            {
                late.Add(run);
            }
        }

        return late;
    }
}
