using System.Text.Json.Nodes;

namespace Upsonic.Storage;

/// <summary>
/// Synchronous twins of the <see cref="IStorage"/> record API, for callers that cannot await (scripts, the Python SDK's sync style).
/// </summary>
/// <remarks>Each blocks on the async method. Prefer the async methods in servers and UI apps.</remarks>
public static class StorageSyncExtensions
{
    /// <summary>Sync twin of <see cref="IStorage.EnsureCreatedAsync"/>.</summary>
    public static void EnsureCreated(this IStorage storage) => Run(storage).EnsureCreatedAsync().GetAwaiter().GetResult();

    /// <summary>Sync twin of <see cref="IStorage.TableExistsAsync"/>.</summary>
    public static bool TableExists(this IStorage storage, string tableName) => Run(storage).TableExistsAsync(tableName).GetAwaiter().GetResult();

    /// <summary>Sync twin of <see cref="IStorage.ClearAllAsync"/>.</summary>
    public static void ClearAll(this IStorage storage) => Run(storage).ClearAllAsync().GetAwaiter().GetResult();

    /// <summary>Sync twin of <see cref="IStorage.UpsertSessionAsync"/>.</summary>
    public static AgentSession UpsertSession(this IStorage storage, AgentSession session) => Run(storage).UpsertSessionAsync(session).GetAwaiter().GetResult();

    /// <summary>Sync twin of <see cref="IStorage.UpsertSessionsAsync"/>.</summary>
    public static IReadOnlyList<AgentSession> UpsertSessions(this IStorage storage, IEnumerable<AgentSession> sessions) => Run(storage).UpsertSessionsAsync(sessions).GetAwaiter().GetResult();

    /// <summary>Sync twin of <see cref="IStorage.GetSessionAsync"/>.</summary>
    public static AgentSession? GetSession(this IStorage storage, string? sessionId = null, SessionType? sessionType = null, string? userId = null, string? agentId = null) =>
        Run(storage).GetSessionAsync(sessionId, sessionType, userId, agentId).GetAwaiter().GetResult();

    /// <summary>Sync twin of <see cref="IStorage.GetSessionsAsync"/>.</summary>
    public static PagedResult<AgentSession> GetSessions(this IStorage storage, SessionQuery? query = null) => Run(storage).GetSessionsAsync(query).GetAwaiter().GetResult();

    /// <summary>Sync twin of <see cref="IStorage.DeleteSessionAsync"/>.</summary>
    public static bool DeleteSession(this IStorage storage, string sessionId) => Run(storage).DeleteSessionAsync(sessionId).GetAwaiter().GetResult();

    /// <summary>Sync twin of <see cref="IStorage.DeleteSessionsAsync"/>.</summary>
    public static int DeleteSessions(this IStorage storage, IReadOnlyCollection<string> sessionIds) => Run(storage).DeleteSessionsAsync(sessionIds).GetAwaiter().GetResult();

    /// <summary>Sync twin of <see cref="IStorage.UpsertUserMemoryAsync"/>.</summary>
    public static UserMemory UpsertUserMemory(this IStorage storage, UserMemory userMemory) => Run(storage).UpsertUserMemoryAsync(userMemory).GetAwaiter().GetResult();

    /// <summary>Sync twin of <see cref="IStorage.UpsertUserMemoriesAsync"/>.</summary>
    public static IReadOnlyList<UserMemory> UpsertUserMemories(this IStorage storage, IEnumerable<UserMemory> userMemories) => Run(storage).UpsertUserMemoriesAsync(userMemories).GetAwaiter().GetResult();

    /// <summary>Sync twin of <see cref="IStorage.GetUserMemoryAsync"/>.</summary>
    public static UserMemory? GetUserMemory(this IStorage storage, string? userId = null, string? agentId = null, string? teamId = null) =>
        Run(storage).GetUserMemoryAsync(userId, agentId, teamId).GetAwaiter().GetResult();

    /// <summary>Sync twin of <see cref="IStorage.GetUserMemoriesAsync"/>.</summary>
    public static PagedResult<UserMemory> GetUserMemories(this IStorage storage, UserMemoryQuery? query = null) => Run(storage).GetUserMemoriesAsync(query).GetAwaiter().GetResult();

    /// <summary>Sync twin of <see cref="IStorage.DeleteUserMemoryAsync"/>.</summary>
    public static bool DeleteUserMemory(this IStorage storage, string userId) => Run(storage).DeleteUserMemoryAsync(userId).GetAwaiter().GetResult();

    /// <summary>Sync twin of <see cref="IStorage.DeleteUserMemoriesAsync"/>.</summary>
    public static int DeleteUserMemories(this IStorage storage, IReadOnlyCollection<string> userIds) => Run(storage).DeleteUserMemoriesAsync(userIds).GetAwaiter().GetResult();

    /// <summary>Sync twin of <see cref="IStorage.UpsertKnowledgeContentAsync"/>.</summary>
    public static KnowledgeRow UpsertKnowledgeContent(this IStorage storage, KnowledgeRow row) => Run(storage).UpsertKnowledgeContentAsync(row).GetAwaiter().GetResult();

    /// <summary>Sync twin of <see cref="IStorage.GetKnowledgeContentAsync"/>.</summary>
    public static KnowledgeRow? GetKnowledgeContent(this IStorage storage, string id) => Run(storage).GetKnowledgeContentAsync(id).GetAwaiter().GetResult();

    /// <summary>Sync twin of <see cref="IStorage.GetKnowledgeContentsAsync"/>.</summary>
    public static PagedResult<KnowledgeRow> GetKnowledgeContents(this IStorage storage, KnowledgeQuery? query = null) => Run(storage).GetKnowledgeContentsAsync(query).GetAwaiter().GetResult();

    /// <summary>Sync twin of <see cref="IStorage.DeleteKnowledgeContentAsync"/>.</summary>
    public static bool DeleteKnowledgeContent(this IStorage storage, string id) => Run(storage).DeleteKnowledgeContentAsync(id).GetAwaiter().GetResult();

    /// <summary>Sync twin of <see cref="IStorage.DeleteKnowledgeContentsAsync"/>.</summary>
    public static int DeleteKnowledgeContents(this IStorage storage, IReadOnlyCollection<string> ids) => Run(storage).DeleteKnowledgeContentsAsync(ids).GetAwaiter().GetResult();

    /// <summary>Sync twin of <see cref="IStorage.DeleteUserDataAsync"/>.</summary>
    public static int DeleteUserData(this IStorage storage, string userId) => Run(storage).DeleteUserDataAsync(userId).GetAwaiter().GetResult();

    /// <summary>Sync twin of <see cref="IStorage.MergeSessionMetadataAsync"/>.</summary>
    public static bool MergeSessionMetadata(this IStorage storage, string sessionId, JsonObject metadata) => Run(storage).MergeSessionMetadataAsync(sessionId, metadata).GetAwaiter().GetResult();

    private static IStorage Run(IStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        return storage;
    }
}
