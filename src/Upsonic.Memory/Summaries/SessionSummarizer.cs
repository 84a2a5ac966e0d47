using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Upsonic.Storage;

/// <summary>Updates a session's running summary incrementally: the previous summary plus the runs after its watermark.</summary>
/// <remarks>
/// The input is bounded whatever the session's length (<see cref="MemoryLimits"/>). The new summary is stored with the
/// sequence of the last run it covers, and only if no newer summary was stored meanwhile. A failed or empty model reply keeps
/// the previous summary and is logged as a warning; storage failures propagate.
/// </remarks>
internal sealed class SessionSummarizer(IStorage storage, string sessionId, MemoryModel model, MemoryLimits limits, ILogger logger, LogLevel infoLevel)
{
    public async Task RunAsync(CancellationToken ct)
    {
        var window = await storage.LoadSessionWindowAsync(sessionId, 0, ct).ConfigureAwait(false);
        if (window is null)
        {
            return;
        }

        var runs = await storage.GetRunsAfterAsync(sessionId, window.Session.SummaryWatermark, limits.SummaryMaxRuns, ct).ConfigureAwait(false);
        var completed = runs.Where(r => r.Status == RunStatus.Completed).ToList();
        if (completed.Count == 0)
        {
            return;
        }

        var transcript = TurnTranscript.Render(completed, limits.SummaryMaxMessageCharacters, limits.SummaryMaxTurnCharacters);
        var prompt = SummaryPrompt.Build(window.Session.Summary, transcript, limits.SummaryMaxCharacters);
        string summary;
        try
        {
            summary = await model.AskAsync("summary", SummaryPrompt.Instructions, prompt, ChatResponseFormat.Text, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            MemoryLog.SummaryFailed(logger, ex, sessionId);
            return;
        }

        if (summary.Length == 0)
        {
            MemoryModel.CountUnusable("summary");
            MemoryLog.SummaryEmpty(logger, sessionId);
            return;
        }

        var watermark = completed[^1].Sequence;
        await storage.UpdateSummaryAsync(sessionId, summary, watermark, ct).ConfigureAwait(false);
        MemoryLog.SummaryUpdated(logger, infoLevel, sessionId, watermark, SummaryPrompt.Instructions.Length + prompt.Length);
    }
}
