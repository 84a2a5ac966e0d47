using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Upsonic.Storage;

// Sync twins of the conveniences, for callers that cannot await (the Python SDK's sync style). Each blocks on the async method.
public sealed partial class Memory
{
    /// <summary>Sync twin of <see cref="GetSessionAsync"/>.</summary>
    public AgentSession? GetSession() => GetSessionAsync().GetAwaiter().GetResult();

    /// <summary>Sync twin of <see cref="GetMessagesAsync"/>.</summary>
    public IReadOnlyList<ChatMessage> GetMessages() => GetMessagesAsync().GetAwaiter().GetResult();

    /// <summary>Sync twin of <see cref="SetMetadataAsync"/>.</summary>
    /// <param name="metadata">The keys to set.</param>
    public void SetMetadata(IReadOnlyDictionary<string, object?> metadata) => SetMetadataAsync(metadata).GetAwaiter().GetResult();

    /// <summary>Sync twin of <see cref="GetMetadataAsync"/>.</summary>
    public JsonObject? GetMetadata() => GetMetadataAsync().GetAwaiter().GetResult();

    /// <summary>Sync twin of <see cref="ListSessionsAsync"/>.</summary>
    /// <param name="userId">The user; null means <see cref="UserId"/>.</param>
    public IReadOnlyList<AgentSession> ListSessions(string? userId = null) => ListSessionsAsync(userId).GetAwaiter().GetResult();

    /// <summary>Sync twin of <see cref="FindSessionAsync"/>.</summary>
    /// <param name="sessionId">The session; null means <see cref="SessionId"/>.</param>
    public AgentSession? FindSession(string? sessionId = null) => FindSessionAsync(sessionId).GetAwaiter().GetResult();

    /// <summary>Sync twin of <see cref="DeleteSessionAsync"/>.</summary>
    /// <param name="sessionId">The session; null means <see cref="SessionId"/>.</param>
    public bool DeleteSession(string? sessionId = null) => DeleteSessionAsync(sessionId).GetAwaiter().GetResult();

    /// <summary>Sync twin of <see cref="LoadResumableRunAsync"/>.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="agentId">The agent whose sessions are searched next.</param>
    public RunRecord? LoadResumableRun(string runId, string? agentId = null) => LoadResumableRunAsync(runId, agentId).GetAwaiter().GetResult();

    /// <summary>Sync twin of <see cref="LoadRunAsync"/>.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="agentId">The agent whose sessions are searched next.</param>
    public RunRecord? LoadRun(string runId, string? agentId = null) => LoadRunAsync(runId, agentId).GetAwaiter().GetResult();

    /// <summary>Sync twin of <see cref="FlushAsync"/>.</summary>
    public void Flush() => FlushAsync().GetAwaiter().GetResult();
}
