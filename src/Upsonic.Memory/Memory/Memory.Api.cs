using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Upsonic.Storage;

// The conveniences of the Python SDK's Memory (get_session, set_metadata, load_run, ...), plus flushing and disposal.
public sealed partial class Memory
{
    /// <summary>The most raw user inputs a session read through this memory lists in <c>SessionData["user_prompts"]</c> (the most recent ones).</summary>
    public const int MaxSessionUserPrompts = 100;

    /// <summary>Reads the whole session (<see cref="SessionType.Agent"/>), or null when it does not exist.</summary>
    /// <param name="ct">Cancels the read.</param>
    /// <remarks>This reads every message and run of the session; a run uses <see cref="PrepareAsync(IReadOnlyDictionary{string, object?}?, CancellationToken)"/>, which reads only a window.
    /// <see cref="AgentSession.SessionData"/> carries upstream's <c>user_prompts</c>: the raw inputs of the session's runs, oldest
    /// first, one per run, at most <see cref="MaxSessionUserPrompts"/> (the most recent).</remarks>
    public Task<AgentSession?> GetSessionAsync(CancellationToken ct = default) => FindSessionAsync(null, ct);

    /// <summary>Reads the session's stored history, unfiltered and unlimited; empty when the session does not exist.</summary>
    /// <param name="ct">Cancels the read.</param>
    public async Task<IReadOnlyList<ChatMessage>> GetMessagesAsync(CancellationToken ct = default)
    {
        var window = await Storage.LoadSessionWindowAsync(SessionId, null, ct).ConfigureAwait(false);
        return window is null ? [] : window.Turns.SelectMany(t => t.Messages).ToList();
    }

    /// <summary>Merges metadata into the session atomically: the given keys overwrite, other keys stay.</summary>
    /// <param name="metadata">The keys to set; each value is converted to JSON with System.Text.Json.</param>
    /// <param name="ct">Cancels the write.</param>
    /// <remarks>When the session does not exist yet nothing is written and a warning is logged, as in the Python SDK.
    /// Concurrent calls that set different keys keep every key.</remarks>
    public async Task SetMetadataAsync(IReadOnlyDictionary<string, object?> metadata, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var json = MemoryBlocks.ToJson(metadata) ?? [];
        if (!await Storage.MergeSessionMetadataAsync(SessionId, json, ct).ConfigureAwait(false))
        {
            MemoryLog.MetadataWithoutSession(_logger, SessionId);
        }
    }

    /// <summary>Reads the session metadata, or null when the session does not exist.</summary>
    /// <param name="ct">Cancels the read.</param>
    public async Task<JsonObject?> GetMetadataAsync(CancellationToken ct = default)
    {
        var window = await Storage.LoadSessionWindowAsync(SessionId, 0, ct).ConfigureAwait(false);
        return window?.Session.Metadata;
    }

    /// <summary>Lists the agent sessions of a user (default: this memory's user), newest first.</summary>
    /// <param name="userId">The user; null means <see cref="UserId"/>.</param>
    /// <param name="ct">Cancels the read.</param>
    /// <exception cref="ArgumentException"><paramref name="userId"/> is empty or white space.</exception>
    public async Task<IReadOnlyList<AgentSession>> ListSessionsAsync(string? userId = null, CancellationToken ct = default)
    {
        if (userId is not null && string.IsNullOrWhiteSpace(userId))
        {
            throw new ArgumentException("The user id must be null (this memory's user) or a non-empty string.", nameof(userId));
        }

        var page = await Storage.GetSessionsAsync(new SessionQuery { UserId = userId ?? UserId, SessionType = SessionType.Agent }, ct).ConfigureAwait(false);
        foreach (var session in page.Items)
        {
            SessionUserPrompts.Fill(session);
        }

        return page.Items;
    }

    /// <summary>Reads an agent session by id (default: this memory's session), or null.</summary>
    /// <param name="sessionId">The session; null means <see cref="SessionId"/>.</param>
    /// <param name="ct">Cancels the read.</param>
    /// <remarks>Its <see cref="AgentSession.SessionData"/> carries <c>user_prompts</c>, as <see cref="GetSessionAsync"/> describes.</remarks>
    public async Task<AgentSession?> FindSessionAsync(string? sessionId = null, CancellationToken ct = default) =>
        SessionUserPrompts.Fill(await Storage.GetSessionAsync(sessionId ?? SessionId, SessionType.Agent, cancellationToken: ct).ConfigureAwait(false));

    /// <summary>Deletes a session (default: this memory's) with its messages and runs; the user's profile stays. Returns whether it existed.</summary>
    /// <param name="sessionId">The session; null means <see cref="SessionId"/>.</param>
    /// <param name="ct">Cancels the delete.</param>
    public Task<bool> DeleteSessionAsync(string? sessionId = null, CancellationToken ct = default) =>
        Storage.DeleteSessionAsync(sessionId ?? SessionId, ct);

    /// <summary>Loads a paused, errored or cancelled run: from this session first, then (with <paramref name="agentId"/>) from any session of that agent.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="agentId">The agent whose sessions are searched when the run is not resumable in this session.</param>
    /// <param name="ct">Cancels the reads.</param>
    /// <returns>The run record with its messages, or null when no resumable run was found.</returns>
    public Task<RunRecord?> LoadResumableRunAsync(string runId, string? agentId = null, CancellationToken ct = default) =>
        FindRunAsync(runId, agentId, resumableOnly: true, ct);

    /// <summary>Loads a run in any state: from this session first, then (with <paramref name="agentId"/>) from any session of that agent.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="agentId">The agent whose sessions are searched when the run is not in this session.</param>
    /// <param name="ct">Cancels the reads.</param>
    public Task<RunRecord?> LoadRunAsync(string runId, string? agentId = null, CancellationToken ct = default) =>
        FindRunAsync(runId, agentId, resumableOnly: false, ct);

    /// <summary>Waits for this session's background summary and profile work queued before this call (returns at once when there is none).</summary>
    /// <param name="ct">Stops waiting (the work goes on).</param>
    public Task FlushAsync(CancellationToken ct = default) => _runtime.Worker.FlushAsync(Scope, ct);

    /// <summary>Stops accepting background work; a memory built with a constructor then waits for its queued work to finish, a memory
    /// from a <see cref="MemoryFactory"/> returns at once (its work runs on, and is drained by, the factory). Does not dispose
    /// <see cref="Storage"/> or <see cref="Model"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        if (_ownsRuntime)
        {
            await _runtime.Worker.DrainAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Sync twin of <see cref="DisposeAsync"/>, so a synchronous dependency injection scope can dispose a memory.</summary>
    public void Dispose()
    {
        _disposed = true;
        if (_ownsRuntime)
        {
            _runtime.Worker.DrainAsync().GetAwaiter().GetResult();
        }
    }

    private async Task<RunRecord?> FindRunAsync(string runId, string? agentId, bool resumableOnly, CancellationToken ct)
    {
        StorageArguments.Id(runId, nameof(runId));
        StorageArguments.OptionalNonBlankId(agentId, nameof(agentId));
        var run = await Storage.GetRunAsync(SessionId, runId, ct).ConfigureAwait(false);
        if (run is not null && (!resumableOnly || run.IsResumable))
        {
            return run;
        }

        if (agentId is null)
        {
            return null;
        }

        var found = await Storage.FindRunAsync(runId, agentId, ct).ConfigureAwait(false);
        return found is not null && (!resumableOnly || found.IsResumable) ? found : null;
    }
}
