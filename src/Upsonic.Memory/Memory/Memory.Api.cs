using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Upsonic.Storage;

// Public surface of Memory that is filled in by the Memory work (run lifecycle and conveniences).
public sealed partial class Memory
{
    /// <summary>Loads what the next run needs: history, summary, profile and metadata blocks.</summary>
    public Task<MemoryContext> PrepareAsync(IReadOnlyDictionary<string, object?>? agentMetadata = null, CancellationToken ct = default) => throw new NotImplementedException();

    /// <summary>Saves a run according to the save flags, then runs summary and profile work.</summary>
    public Task SaveRunAsync(AgentRun run, CancellationToken ct = default) => throw new NotImplementedException();

    /// <summary>Reads the whole session.</summary>
    public Task<AgentSession?> GetSessionAsync(CancellationToken ct = default) => throw new NotImplementedException();

    /// <summary>Reads the session's stored history, unfiltered.</summary>
    public Task<IReadOnlyList<ChatMessage>> GetMessagesAsync(CancellationToken ct = default) => throw new NotImplementedException();

    /// <summary>Merges metadata into the session atomically.</summary>
    public Task SetMetadataAsync(IReadOnlyDictionary<string, object?> metadata, CancellationToken ct = default) => throw new NotImplementedException();

    /// <summary>Reads the session metadata.</summary>
    public Task<JsonObject?> GetMetadataAsync(CancellationToken ct = default) => throw new NotImplementedException();

    /// <summary>Lists the user's sessions.</summary>
    public Task<IReadOnlyList<AgentSession>> ListSessionsAsync(string? userId = null, CancellationToken ct = default) => throw new NotImplementedException();

    /// <summary>Finds a session.</summary>
    public Task<AgentSession?> FindSessionAsync(string? sessionId = null, CancellationToken ct = default) => throw new NotImplementedException();

    /// <summary>Deletes a session.</summary>
    public Task<bool> DeleteSessionAsync(string? sessionId = null, CancellationToken ct = default) => throw new NotImplementedException();

    /// <summary>Loads a paused, errored or cancelled run.</summary>
    public Task<RunRecord?> LoadResumableRunAsync(string runId, string? agentId = null, CancellationToken ct = default) => throw new NotImplementedException();

    /// <summary>Loads a run in any state.</summary>
    public Task<RunRecord?> LoadRunAsync(string runId, string? agentId = null, CancellationToken ct = default) => throw new NotImplementedException();

    /// <summary>Waits for background summary and profile work.</summary>
    public Task FlushAsync(CancellationToken ct = default) => throw new NotImplementedException();

    /// <summary>Drains background work.</summary>
    public ValueTask DisposeAsync() => throw new NotImplementedException();
}
