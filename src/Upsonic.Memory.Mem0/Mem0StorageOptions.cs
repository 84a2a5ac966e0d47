namespace Upsonic.Storage.Mem0;

/// <summary>The settings of a <see cref="Mem0Storage"/>. Names mirror the Python SDK's <c>Mem0Storage(api_key, host, org_id, project_id, ...)</c>.</summary>
/// <remarks><b>Security considerations:</b> <see cref="ApiKey"/> is a secret: load it from configuration or a secret store, never from
/// source code; it is sent only in the authorization header and never appears in exception messages.</remarks>
public sealed class Mem0StorageOptions
{
    /// <summary>The default platform address.</summary>
    public const string DefaultPlatformHost = "https://api.mem0.ai";

    /// <summary>The Mem0 user every record is stored under, as upstream (<c>upsonic_default</c>).</summary>
    public const string DefaultMem0UserId = "upsonic_default";

    /// <summary>Hosted platform or self-hosted server. Default <see cref="Mem0Deployment.Platform"/>.</summary>
    public Mem0Deployment Deployment { get; set; } = Mem0Deployment.Platform;

    /// <summary>The API key: required for the platform (sent as <c>Authorization: Token</c>); optional for a self-hosted server
    /// (sent as <c>X-API-Key</c> when set). Default <see langword="null"/>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The platform organization id, sent with every platform request when set. Default <see langword="null"/>.</summary>
    public string? OrgId { get; set; }

    /// <summary>The platform project id, sent with every platform request when set. Default <see langword="null"/>.</summary>
    public string? ProjectId { get; set; }

    /// <summary>The server address: default <see cref="DefaultPlatformHost"/> for the platform; required for a self-hosted server.</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>The Mem0 user id the records are stored under. Default <see cref="DefaultMem0UserId"/>.</summary>
    public string DefaultUserId { get; set; } = DefaultMem0UserId;

    /// <summary>The session table name (the <c>_table</c> metadata and id segment). Default <c>upsonic_sessions</c>.</summary>
    public string? SessionTable { get; set; }

    /// <summary>The user-memory table name. Default <c>upsonic_user_memories</c>.</summary>
    public string? UserMemoryTable { get; set; }

    /// <summary>The knowledge table name. Default <c>upsonic_knowledge</c>.</summary>
    public string? KnowledgeTable { get; set; }

    /// <summary>The storage id. Default a new GUID string.</summary>
    public string? Id { get; set; }

    /// <summary>
    /// Seconds after its last write when a session (head, messages, runs) or a user memory expires; default null (never). Expired
    /// records are never returned; a write over one starts it afresh, and a sweep on writes deletes them through the Mem0 API
    /// (docs/storage.md, "Retention"). Must be positive. The clock is the storage's <c>timeProvider</c>.
    /// </summary>
    public int? Expire { get; set; }

    /// <summary>How many times a request that got 429, a 5xx or a transport error is retried. Default 3 (0 to 10).</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry delay; it doubles on each retry, and a server's <c>Retry-After</c> (up to 30 s) wins. Default 500 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The timeout of one HTTP request (for an <see cref="HttpClient"/> the storage creates). Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
