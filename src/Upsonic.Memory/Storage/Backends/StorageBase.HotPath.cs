using System.Text.Json.Nodes;

namespace Upsonic.Storage.Backends;

// The per-turn hot path and run reads: the public members check and wrap.
public abstract partial class StorageBase
{
    /// <inheritdoc />
    public Task<SessionWindow?> LoadSessionWindowAsync(string sessionId, int? historyTurns, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(sessionId, nameof(sessionId));
        if (historyTurns is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(historyTurns), historyTurns, "The number of history turns must not be negative.");
        }

        return ExecuteAsync("LoadSessionWindow", sessionId, needsSchema: true, ct => LoadSessionWindowCoreAsync(sessionId, historyTurns, ct), cancellationToken);
    }

    /// <inheritdoc />
    public Task<SessionWindow?> LoadSessionWindowAsync(SessionWindowRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        StorageArguments.Id(request.SessionId, nameof(request));
        if (request.HistoryTurns is < 0 || request.HistoryTokenBudget is < 0 || request.Since is { MessageSequence: < 0 })
        {
            throw new ArgumentOutOfRangeException(nameof(request), request, "HistoryTurns, HistoryTokenBudget and Since.MessageSequence must not be negative.");
        }

        return ExecuteAsync("LoadSessionWindow", request.SessionId, needsSchema: true, ct => LoadSessionWindowCoreAsync(request, ct), cancellationToken);
    }

    /// <inheritdoc />
    public Task<RunAppendResult> AppendRunAsync(RunAppend append, CancellationToken cancellationToken = default)
    {
        StorageArguments.Append(append, nameof(append));
        CheckWriteLimits(append, nameof(append));
        return ExecuteAsync("AppendRun", append.SessionId, needsSchema: true, ct => AppendRunCoreAsync(append, ct), cancellationToken);
    }

    /// <inheritdoc />
    public Task<RunRecord?> GetRunAsync(string sessionId, string runId, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(sessionId, nameof(sessionId));
        StorageArguments.Id(runId, nameof(runId));
        return ExecuteAsync("GetRun", runId, needsSchema: true, ct => GetRunCoreAsync(sessionId, runId, ct), cancellationToken);
    }

    /// <inheritdoc />
    public Task<RunRecord?> FindRunAsync(string runId, string? agentId = null, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(runId, nameof(runId));
        StorageArguments.OptionalNonBlankId(agentId, nameof(agentId));
        return ExecuteAsync("FindRun", runId, needsSchema: true, ct => FindRunCoreAsync(runId, agentId, ct), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RunRecord>> GetRunsAfterAsync(string sessionId, long afterSequence, int maxRuns, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(sessionId, nameof(sessionId));
        ArgumentOutOfRangeException.ThrowIfNegative(maxRuns);
        if (maxRuns == 0)
        {
            return [];
        }

        return await ExecuteAsync("GetRunsAfter", sessionId, needsSchema: true, ct => GetRunsAfterCoreAsync(sessionId, afterSequence, maxRuns, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<bool> UpdateSummaryAsync(string sessionId, string summary, long watermark, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(sessionId, nameof(sessionId));
        ArgumentNullException.ThrowIfNull(summary);
        return ExecuteAsync("UpdateSummary", sessionId, needsSchema: true, ct => UpdateSummaryCoreAsync(sessionId, summary, watermark, ct), cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> MergeSessionMetadataAsync(string sessionId, JsonObject metadata, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(sessionId, nameof(sessionId));
        ArgumentNullException.ThrowIfNull(metadata);
        return ExecuteAsync("MergeSessionMetadata", sessionId, needsSchema: true, ct => MergeSessionMetadataCoreAsync(sessionId, metadata, ct), cancellationToken);
    }

    /// <inheritdoc />
    public Task<UserMemory> UpdateUserProfileAsync(ProfileUpdate update, CancellationToken cancellationToken = default)
    {
        StorageArguments.Profile(update, nameof(update));
        return ExecuteAsync("UpdateUserProfile", update.UserId, needsSchema: true, ct => UpdateUserProfileCoreAsync(update, ct), cancellationToken);
    }

    /// <summary>Reads the head and the history rows of the last <paramref name="historyTurns"/> turns in one round trip (see <see cref="SessionRows.Turns"/>).</summary>
    /// <param name="sessionId">A valid session id.</param>
    /// <param name="historyTurns"><see langword="null"/>: every turn; 0: head only; N: the last N turns (never negative).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    protected abstract Task<SessionWindow?> LoadSessionWindowCoreAsync(string sessionId, int? historyTurns, CancellationToken cancellationToken);

    /// <summary>
    /// Reads the window <paramref name="request"/> asks for in one round trip. Override it to serve token budgets from the counts
    /// stored with each message (<see cref="MessageTokens"/>) and incremental reads (<see cref="SessionWindow.Mark"/>); the
    /// default reads the last <see cref="SessionWindowRequest.HistoryTurns"/> turns (every turn when unset) with
    /// <see cref="LoadSessionWindowCoreAsync(string, int?, CancellationToken)"/>, estimates turns that carry no count, and applies the
    /// budget with <see cref="WindowSelection.Newest"/>: correct, but its cost grows with the session when only a budget is set, and
    /// it never answers incrementally.
    /// </summary>
    /// <param name="request">A checked request.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    protected virtual async Task<SessionWindow?> LoadSessionWindowCoreAsync(SessionWindowRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.HistoryTokenBudget is not { } budget)
        {
            return await LoadSessionWindowCoreAsync(request.SessionId, request.HistoryTurns, cancellationToken).ConfigureAwait(false);
        }

        var window = await LoadSessionWindowCoreAsync(request.SessionId, budget == 0 ? 0 : request.HistoryTurns, cancellationToken).ConfigureAwait(false);
        if (window is null)
        {
            return null;
        }

        var counted = window.Turns
            .Select(t => t.TokenCount > 0 ? t : t with { TokenCount = t.Messages.Sum(m => (long)MessageTokens.Estimate(m)) })
            .ToList();
        return window with { Turns = WindowSelection.Newest(counted, null, budget), Mark = null, IsIncremental = false };
    }

    /// <summary>Saves one run atomically: read the <see cref="SessionCounters"/> and the run's <see cref="PreviousRunSave"/>, then
    /// write what <see cref="RunAppendPlan.Create"/> plans, in one transaction (or atomic script, or optimistic attempt).</summary>
    /// <param name="append">A checked append.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    protected abstract Task<RunAppendResult> AppendRunCoreAsync(RunAppend append, CancellationToken cancellationToken);

    /// <summary>Reads one run record with its messages.</summary>
    /// <param name="sessionId">A valid session id.</param>
    /// <param name="runId">A valid run id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    protected abstract Task<RunRecord?> GetRunCoreAsync(string sessionId, string runId, CancellationToken cancellationToken);

    /// <summary>Finds a run by id in any session (optionally only the agent's), through an index on the run id; the lowest session id (ordinal) wins.</summary>
    /// <param name="runId">A valid run id.</param>
    /// <param name="agentId">The agent filter, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    protected abstract Task<RunRecord?> FindRunCoreAsync(string runId, string? agentId, CancellationToken cancellationToken);

    /// <summary>Reads at most <paramref name="maxRuns"/> of the most recent runs after <paramref name="afterSequence"/>, oldest first, with their messages.</summary>
    /// <param name="sessionId">A valid session id.</param>
    /// <param name="afterSequence">Only runs with a greater sequence.</param>
    /// <param name="maxRuns">At least 1.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    protected abstract Task<IReadOnlyList<RunRecord>> GetRunsAfterCoreAsync(string sessionId, long afterSequence, int maxRuns, CancellationToken cancellationToken);

    /// <summary>Sets summary and watermark only when <paramref name="watermark"/> is greater than the stored one. Returns whether it was written.</summary>
    /// <param name="sessionId">A valid session id.</param>
    /// <param name="summary">The summary.</param>
    /// <param name="watermark">The run sequence the summary covers.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    protected abstract Task<bool> UpdateSummaryCoreAsync(string sessionId, string summary, long watermark, CancellationToken cancellationToken);

    /// <summary>Merges keys into the session's metadata atomically and sets updated_at; <see langword="false"/> when the session does not exist.</summary>
    /// <param name="sessionId">A valid session id.</param>
    /// <param name="metadata">The keys to set (the caller's object: copy it before keeping it).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    protected abstract Task<bool> MergeSessionMetadataCoreAsync(string sessionId, JsonObject metadata, CancellationToken cancellationToken);

    /// <summary>Applies a profile change atomically with <see cref="ProfileMerge"/> and returns the stored profile.</summary>
    /// <param name="update">A checked update.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    protected abstract Task<UserMemory> UpdateUserProfileCoreAsync(ProfileUpdate update, CancellationToken cancellationToken);
}
