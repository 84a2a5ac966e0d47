namespace Upsonic.Storage.Redis;

/// <summary>The settings of a <see cref="RedisStorage"/> registered with <c>UseRedis</c>, bindable from <c>Storage:Redis</c>.</summary>
/// <remarks>Names and defaults match the <see cref="RedisStorage"/> constructor parameters.</remarks>
public sealed class RedisStorageOptions
{
    /// <summary><c>redis://host:port</c>, <c>rediss://...</c> or a StackExchange.Redis configuration string. Default none: the
    /// <c>IConnectionMultiplexer</c> registered in the services is used.</summary>
    /// <remarks><b>Security considerations:</b> it may hold a password; keep it in user secrets or the environment, not in appsettings.json.</remarks>
    public string? DbUrl { get; set; }

    /// <summary>The key prefix; default <c>upsonic</c>.</summary>
    public string DbPrefix { get; set; } = RedisStorage.DefaultPrefix;

    /// <summary>TTL in seconds for every key, refreshed on each write; default null (keys never expire). Reads filter expired records
    /// by the container's <see cref="System.TimeProvider"/> when one is registered, else by the system clock.</summary>
    public int? Expire { get; set; }

    /// <summary>The key segment of sessions; default <c>sessions</c>.</summary>
    public string? SessionTable { get; set; }

    /// <summary>The key segment of profiles; default <c>user_memories</c>.</summary>
    public string? UserMemoryTable { get; set; }

    /// <summary>The key segment of knowledge rows; default <c>upsonic_knowledge</c> (as upstream).</summary>
    public string? KnowledgeTable { get; set; }

    /// <summary>The storage id; default derived from the prefix and the endpoints.</summary>
    public string? Id { get; set; }
}
