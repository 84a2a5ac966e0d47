using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Upsonic.Storage;

// The read half of a run: what the next run is given.
public sealed partial class Memory
{
    /// <summary>Loads what the next run needs: history, summary, profile and metadata blocks.</summary>
    /// <param name="agentMetadata">The agent's metadata, injected as an <c>&lt;AgentMetadata&gt;</c> block before the session's.</param>
    /// <param name="ct">Cancels the reads.</param>
    /// <returns>The history (whole turns) and the injection blocks; every part is empty when there is nothing to inject.</returns>
    /// <remarks>
    /// <para>The session part is one storage round trip (<see cref="IStorage.LoadSessionWindowAsync(SessionWindowRequest, CancellationToken)"/>): the head, plus the last
    /// <see cref="NumLastMessages"/> turns (all when unset) within <see cref="HistoryTokenBudget"/> tokens (when set) when history loading
    /// is on. After the first prepare of a session, a memory holds the window it served and asks storage only for what is newer,
    /// checked against the session head in the same round trip, so a window is not read and parsed again every turn. The head is read even when no load flag is
    /// on, so session metadata is injected whenever the session has any. The profile is read, in parallel, when profile loading is on.</para>
    /// <para>The blocks are <c>&lt;SessionSummary&gt;\n{summary}\n&lt;/SessionSummary&gt;</c>, <c>&lt;UserProfile&gt;\n- key: value\n&lt;/UserProfile&gt;</c>
    /// and <c>&lt;AgentMetadata&gt;</c> / <c>&lt;SessionMetadata&gt;</c> with <c>"  key: value"</c> lines (joined by a blank line when both exist).
    /// They belong in the run's instructions, never in the stored user message.</para>
    /// <para>Failures: a storage that cannot be reached or refuses the read fails the prepare (and so the run, before the model is
    /// called) with its <see cref="StorageException"/>: an agent must not answer as if it had no memory. Only a stored record that
    /// cannot be read (<see cref="StorageException.IsCorruptData"/>) is logged as a warning with the session id and leaves that part
    /// (the session's history, summary and metadata, or the profile) empty, so one damaged record does not stop a user's every run.</para>
    /// </remarks>
    /// <exception cref="StorageException">The storage failed (not a corrupt record).</exception>
    public Task<MemoryContext> PrepareAsync(IReadOnlyDictionary<string, object?>? agentMetadata = null, CancellationToken ct = default) =>
        PrepareCoreAsync(agentMetadata, feedToolCallResults: null, ct);

    /// <summary>
    /// <see cref="PrepareAsync(IReadOnlyDictionary{string, object?}?, CancellationToken)"/> with a caller's own tool-results setting:
    /// an <c>Agent</c> created with <c>feedToolCallResults</c> uses it for its runs without changing <see cref="FeedToolCallResults"/>
    /// for other users of this memory.
    /// </summary>
    internal Task<MemoryContext> PrepareCoreAsync(IReadOnlyDictionary<string, object?>? agentMetadata, bool? feedToolCallResults, CancellationToken ct) =>
        PreparePartsAsync(MemoryParts.All, agentMetadata, feedToolCallResults, ct);

    /// <summary>
    /// Loads one part of what the next run needs, or both: the history only (no profile read, no blocks), the blocks only (the
    /// session head without turns, and the profile), or everything (the same as <see cref="PrepareAsync(IReadOnlyDictionary{string, object?}?, CancellationToken)"/>).
    /// </summary>
    /// <param name="parts">The parts to load; the parts left out are empty in the result.</param>
    /// <param name="agentMetadata">The agent's metadata, injected as an <c>&lt;AgentMetadata&gt;</c> block when <see cref="MemoryParts.Blocks"/> is loaded.</param>
    /// <param name="ct">Cancels the reads.</param>
    /// <returns>The loaded parts; the load flags of this memory still apply to each.</returns>
    /// <remarks>For callers that hand history and instructions to different places, such as the Agent Framework providers of
    /// <c>Upsonic.Memory.AgentFramework</c>. Failures follow the rule of the other overload: a storage failure throws, only a corrupt record is a warning that leaves its part empty.</remarks>
    /// <exception cref="StorageException">The storage failed (not a corrupt record).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parts"/> names no part, or a value that is not a <see cref="MemoryParts"/> flag.</exception>
    public Task<MemoryContext> PrepareAsync(MemoryParts parts, IReadOnlyDictionary<string, object?>? agentMetadata = null, CancellationToken ct = default)
    {
        if (parts == 0 || (parts & ~MemoryParts.All) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(parts), parts, "Name MemoryParts.History, MemoryParts.Blocks or MemoryParts.All.");
        }

        return PreparePartsAsync(parts, agentMetadata, feedToolCallResults: null, ct);
    }

    private async Task<MemoryContext> PreparePartsAsync(MemoryParts parts, IReadOnlyDictionary<string, object?>? agentMetadata, bool? feedToolCallResults, CancellationToken ct)
    {
        using var step = MemoryTelemetry.StartStep(TelemetryNames.Prepare, MemoryTelemetry.PrepareDuration, SessionId, UserId);
        var includeHistory = parts.HasFlag(MemoryParts.History);
        var includeBlocks = parts.HasFlag(MemoryParts.Blocks);
        var loadHistory = includeHistory && LoadFullSessionMemoryEnabled;
        var sessionTask = loadHistory ? LoadHistoryWindowAsync(ct) : LoadWindowAsync(new SessionWindowRequest { SessionId = SessionId, HistoryTurns = 0 }, ct);
        var profileTask = includeBlocks && LoadUserAnalysisMemoryEnabled ? LoadProfileAsync(ct) : Task.FromResult<JsonObject?>(null);
        await Task.WhenAll(sessionTask, profileTask).ConfigureAwait(false);
        var window = await sessionTask.ConfigureAwait(false);
        var profile = await profileTask.ConfigureAwait(false);

        List<ChatMessage> history = loadHistory && window is not null
            ? HistoryWindow.Build(window.Turns, feedToolCallResults ?? FeedToolCallResults)
            : [];
        var context = new MemoryContext
        {
            MessageHistory = history,
            ContextInjection = includeBlocks && LoadSummaryMemoryEnabled ? MemoryBlocks.Summary(window?.Session.Summary) : "",
            SystemPromptInjection = MemoryBlocks.Profile(profile),
            MetadataInjection = includeBlocks ? MemoryBlocks.Metadata(MemoryBlocks.ToJson(agentMetadata), window?.Session.Metadata) : "",
        };

        MemoryTelemetry.MessagesLoaded.Add(history.Count);
        step.Activity?.SetTag(TelemetryNames.MessagesLoaded, history.Count);
        MemoryLog.Prepared(_logger, InfoLevel, SessionId, history.Count, window?.Turns.Count ?? 0,
            context.ContextInjection.Length > 0, context.SystemPromptInjection.Length > 0, context.MetadataInjection.Length > 0);
        if (Debug && DebugLevel >= 2 && _logger.IsEnabled(LogLevel.Information))
        {
            MemoryLog.PreparedDetail(_logger, LogLevel.Information, SessionId, Preview(context));
        }

        return context;
    }

    /// <summary>
    /// The history window through the one this memory's runtime served last for the session: storage is asked only for what is
    /// newer than it, checked against the head in the same round trip; anything else (another writer, a record-API rewrite, a
    /// deleted session) makes storage answer with the full window.
    /// </summary>
    private async Task<SessionWindow?> LoadHistoryWindowAsync(CancellationToken ct)
    {
        int? historyTurns = NumLastMessages is > 0 ? NumLastMessages : null;
        var budget = HistoryTokenBudget;
        var held = _runtime.Windows.Get(SessionId, historyTurns, budget);
        var request = new SessionWindowRequest { SessionId = SessionId, HistoryTurns = historyTurns, HistoryTokenBudget = budget, Since = held?.Mark };
        var window = await LoadWindowAsync(request, ct).ConfigureAwait(false);
        if (window is { IsIncremental: true } && held is not null)
        {
            // New messages of a turn older than the held window (a paused run completed after the window moved past it) may
            // belong to a turn only partly read: read the full window instead.
            window = window.Turns.Count > 0 && window.Turns[0].Turn < held.Turns[0].Turn
                ? await LoadWindowAsync(request with { Since = null }, ct).ConfigureAwait(false)
                : window with { Turns = HeldWindows.Merge(held.Turns, window.Turns, historyTurns, budget), IsIncremental = false };
        }

        // Only a non-empty window is held: an empty one says nothing about where the history stands, and costs nothing to read.
        if (window is { Mark: { } mark, IsIncremental: false, Turns.Count: > 0 })
        {
            _runtime.Windows.Hold(SessionId, new HeldWindows.Entry(mark, historyTurns, budget, window.Turns));
        }
        else
        {
            _runtime.Windows.Drop(SessionId);
        }

        return window;
    }

    private async Task<SessionWindow?> LoadWindowAsync(SessionWindowRequest request, CancellationToken ct)
    {
        try
        {
            return await Storage.LoadSessionWindowAsync(request, ct).ConfigureAwait(false);
        }
        catch (StorageException ex) when (ex.IsCorruptData)
        {
            MemoryLog.SessionLoadFailed(_logger, ex, SessionId);
            return null;
        }
    }

    private async Task<JsonObject?> LoadProfileAsync(CancellationToken ct)
    {
        try
        {
            var stored = await Storage.GetUserMemoryAsync(UserId, cancellationToken: ct).ConfigureAwait(false);
            return stored?.Profile;
        }
        catch (StorageException ex) when (ex.IsCorruptData)
        {
            MemoryLog.ProfileLoadFailed(_logger, ex, SessionId);
            return null;
        }
    }

    // Debug level 2+: the last three history messages and the injections, each truncated, so a log never holds a whole conversation.
    private static string Preview(MemoryContext context)
    {
        var last = context.MessageHistory.Skip(Math.Max(0, context.MessageHistory.Count - 3))
            .Select(m => m.Role.Value + ": " + MemoryBlocks.Truncate(m.Text, 200));
        return "history tail [" + string.Join(" | ", last) + "], context " + MemoryBlocks.Truncate(context.ContextInjection, 200)
            + ", profile " + MemoryBlocks.Truncate(context.SystemPromptInjection, 200)
            + ", metadata " + MemoryBlocks.Truncate(context.MetadataInjection, 200);
    }
}
