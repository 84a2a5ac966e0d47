namespace Upsonic.Storage.Mongo;

/// <summary>The settings of a <see cref="MongoStorage"/> registered with <c>UseMongo</c>, bindable from <c>Storage:Mongo</c>.</summary>
/// <remarks>Names and defaults match the <see cref="MongoStorage"/> constructor parameters.</remarks>
public sealed class MongoStorageOptions
{
    /// <summary>A <c>mongodb://</c> or <c>mongodb+srv://</c> connection string. Default none: the <c>IMongoClient</c> registered in
    /// the services is used.</summary>
    /// <remarks><b>Security considerations:</b> it may hold a password; keep it in user secrets or the environment, not in appsettings.json.</remarks>
    public string? DbUrl { get; set; }

    /// <summary>The database; default <c>upsonic</c>.</summary>
    public string DbName { get; set; } = MongoStorage.DefaultDbName;

    /// <summary>The session collection; default <c>upsonic_sessions</c>.</summary>
    public string? SessionCollection { get; set; }

    /// <summary>The user-memory collection; default <c>upsonic_user_memories</c>.</summary>
    public string? UserMemoryCollection { get; set; }

    /// <summary>The knowledge collection; default <c>upsonic_knowledge</c>.</summary>
    public string? KnowledgeCollection { get; set; }

    /// <summary>The storage id; default a new GUID string.</summary>
    public string? Id { get; set; }

    /// <summary>Seconds after its last write when a session (head, messages, runs) or a user memory expires; default null (never).
    /// Expired records are never returned and are removed physically (docs/storage.md, "Retention"). The clock is the container's
    /// <see cref="System.TimeProvider"/> when one is registered, else the system clock.</summary>
    public int? Expire { get; set; }
}
