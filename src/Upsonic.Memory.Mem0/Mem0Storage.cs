using System.Text.Json;

namespace Upsonic.Storage.Mem0;

/// <summary>
/// An <see cref="IStorage"/> over the Mem0 REST API, on the hosted platform or a self-hosted Mem0 server (upstream's
/// <c>Mem0Storage</c>, the <c>[mem0-storage]</c> extra).
/// </summary>
/// <remarks>
/// <para>Each session, profile and knowledge row is one Mem0 memory, as in the Python SDK: id <c>{kind}__{table}__{id}</c> in the
/// <c>_upsonic_memory_id</c> metadata key, filter fields beside it, the record's JSON gzip-compressed in <c>_data</c>, split into
/// chunk memories when it exceeds Mem0's metadata limit, always stored with inference off (Mem0 never rewrites it). A session
/// record holds its head, runs and messages, so every save reads and rewrites the whole session: cost per turn grows with the
/// session, unlike the database backends. Sorting and paging happen in this process.</para>
/// <para>Streaming the store in pages (<see cref="StorageBase.GetSessionHeadsPageAsync"/> and the other paging members) is cut in
/// this process too, since Mem0 lists by metadata equality in its own order: each page of heads, profiles or knowledge rows lists
/// the main memory of every record of its kind (memory and time linear in the number of records; on a self-hosted server, whose
/// list has no metadata filter, every memory of the Mem0 user) and decodes only the page's records; a page of a session's
/// messages or runs reads the whole session record. Imports are read-modify-writes of one record.</para>
/// <para>A record that cannot be read fails only itself: a listing decodes each record on its own, leaves an unreadable one out in
/// its place (filtered and ordered by its metadata fields) and reports it in <see cref="PagedResult{T}.UnreadableRecords"/>;
/// reading that record alone throws the <see cref="StorageException"/> naming it.</para>
/// <para>Consistency: writes to one record are serialized among all <see cref="Mem0Storage"/> instances of a process. Mem0 has no
/// conditional write, so writers in different processes that save the same session at the same moment can lose an update: give
/// one session to one process at a time.</para>
/// <para>Retention: with <c>expire</c> set (<see cref="Mem0StorageOptions.Expire"/>), a session or profile whose <c>updated_at</c>
/// metadata is <c>expire</c> seconds old is left out of every read, a write over it replaces it in place (starting afresh, with
/// no extra request), and a sweep on writes deletes expired records through the API: see <see cref="DeleteExpiredCoreAsync"/>
/// for its requests.</para>
/// <para>Requests that get 429, a 5xx or a transport error are retried <see cref="Mem0StorageOptions.MaxRetries"/> times with
/// exponential backoff; other failures are <see cref="StorageException"/>s naming the operation.</para>
/// <para><b>Security considerations:</b> conversations and profiles are sent to Mem0 and stored there; the API key grants access
/// to every record of the project. Deleting a user (<see cref="StorageBase.DeleteUserDataAsync"/>) deletes their records here,
/// subject to Mem0's own retention.</para>
/// </remarks>
public sealed partial class Mem0Storage : StorageBase
{
    private const string SessionKind = "session";
    private const string UserMemoryKind = "user_memory";
    private const string KnowledgeKind = "knowledge";

    private static readonly JsonSerializerOptions RecordJson = new(StorageJson.Options) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly string _gateScope;
    private readonly Mem0Records _sessions;
    private readonly Mem0Records _userMemories;
    private readonly Mem0Records _knowledge;

    /// <summary>Creates a storage on the hosted Mem0 platform, with upstream's parameters.</summary>
    /// <param name="apiKey">The platform API key; null reads <c>MEM0_API_KEY</c>.</param>
    /// <param name="orgId">The organization id, or null.</param>
    /// <param name="projectId">The project id, or null.</param>
    /// <param name="host">The platform address; default <c>https://api.mem0.ai</c>.</param>
    /// <param name="sessionTable">The session table name (default <c>upsonic_sessions</c>).</param>
    /// <param name="userMemoryTable">The user-memory table name (default <c>upsonic_user_memories</c>).</param>
    /// <param name="knowledgeTable">The knowledge table name (default <c>upsonic_knowledge</c>).</param>
    /// <param name="defaultUserId">The Mem0 user the records are stored under (default <c>upsonic_default</c>).</param>
    /// <param name="id">The storage id; a new GUID string by default.</param>
    /// <param name="expire">Seconds after its last write when a session (head, messages, runs) or a user memory expires; null (the
    /// default) = never (see <see cref="Mem0StorageOptions.Expire"/>).</param>
    /// <param name="timeProvider">The clock for stored times and expiry; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentException">No API key is given or set, or a name is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="expire"/> is not positive.</exception>
    public Mem0Storage(string? apiKey = null, string? orgId = null, string? projectId = null, Uri? host = null,
        string? sessionTable = null, string? userMemoryTable = null, string? knowledgeTable = null,
        string defaultUserId = Mem0StorageOptions.DefaultMem0UserId, string? id = null, int? expire = null, TimeProvider? timeProvider = null)
        : this(new Mem0StorageOptions
        {
            ApiKey = apiKey, OrgId = orgId, ProjectId = projectId, BaseUrl = host,
            SessionTable = sessionTable, UserMemoryTable = userMemoryTable, KnowledgeTable = knowledgeTable,
            DefaultUserId = defaultUserId, Id = id, Expire = expire,
        }, httpClient: null, timeProvider)
    {
    }

    /// <summary>Creates a storage from options: the hosted platform or a self-hosted server.</summary>
    /// <param name="options">The settings; they are copied.</param>
    /// <param name="httpClient">The client to send requests with (its own timeout applies); by default one is created and disposed with the storage.</param>
    /// <param name="timeProvider">The clock for stored times and expiry (<see cref="Mem0StorageOptions.Expire"/>); <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentException">The options are incomplete or out of range; the message says which setting to fix.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="Mem0StorageOptions.Expire"/> is not positive (reported as parameter <c>expire</c>, as on every storage).</exception>
    public Mem0Storage(Mem0StorageOptions options, HttpClient? httpClient = null, TimeProvider? timeProvider = null)
        : base(Checked(options).SessionTable, options.UserMemoryTable, options.KnowledgeTable, options.Id, options.Expire, timeProvider)
    {
        var settings = Copy(options);
        var baseUrl = settings.BaseUrl ?? new Uri(Mem0StorageOptions.DefaultPlatformHost);
        Deployment = settings.Deployment;
        BaseUrl = baseUrl;
        DefaultUserId = settings.DefaultUserId;
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient { Timeout = settings.RequestTimeout };
        var client = new Mem0Client(_http, settings, baseUrl);
        _gateScope = baseUrl.GetLeftPart(UriPartial.Path) + "|" + settings.ProjectId + "|" + settings.DefaultUserId + "|";
        _sessions = new Mem0Records(client, SessionKind, SessionTable, "session_id");
        _userMemories = new Mem0Records(client, UserMemoryKind, UserMemoryTable, "user_id");
        _knowledge = new Mem0Records(client, KnowledgeKind, KnowledgeTable, "document_id");
    }

    /// <summary>Hosted platform or self-hosted server.</summary>
    public Mem0Deployment Deployment { get; }

    /// <summary>The server address.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The Mem0 user the records are stored under.</summary>
    public string DefaultUserId { get; }

    /// <inheritdoc />
    protected override async Task ClearAllCoreAsync(CancellationToken cancellationToken)
    {
        await _sessions.ClearAsync(cancellationToken).ConfigureAwait(false);
        await _userMemories.ClearAsync(cancellationToken).ConfigureAwait(false);
        await _knowledge.ClearAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override bool IsEngineFailure(Exception exception, CancellationToken cancellationToken) =>
        exception is HttpRequestException or Mem0ApiException or JsonException
        || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested);

    /// <inheritdoc />
    protected override void DisposeCore()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    /// <summary>Runs a read-modify-write of one record with the record's process-wide write gate held.</summary>
    private Task<T> UnderGateAsync<T>(Mem0Records records, string id, Func<Task<T>> work, CancellationToken ct) =>
        UnderGateAsync(records.MemoryId(id), work, ct);

    /// <summary>Runs work on the record with memory id <paramref name="memoryId"/> with its process-wide write gate held.</summary>
    private Task<T> UnderGateAsync<T>(string memoryId, Func<Task<T>> work, CancellationToken ct) =>
        Mem0WriteGate.RunAsync(_gateScope + memoryId, work, ct);

    private static string Serialize<T>(T value) => JsonSerializer.Serialize(value, RecordJson);

    private static T Deserialize<T>(Mem0StoredRecord record)
    {
        try
        {
            return Mem0Json.Read<T>(record.Json, RecordJson);
        }
        catch (JsonException ex)
        {
            throw StorageException.CorruptData($"Mem0 record '{record.Id}' has an unreadable payload: {ex.Message}", ex, "Read", record.Id);
        }
    }

    private static string? Iso(DateTimeOffset? value) => value is { } v ? Mem0Client.Iso(v) : null;

    private static Mem0StorageOptions Checked(Mem0StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Deployment == Mem0Deployment.Platform && string.IsNullOrWhiteSpace(options.ApiKey ?? Environment.GetEnvironmentVariable("MEM0_API_KEY")))
        {
            throw new ArgumentException("The Mem0 platform needs an API key: set Mem0StorageOptions.ApiKey (or MEM0_API_KEY), or use Deployment = SelfHosted with a BaseUrl.", nameof(options));
        }

        if (options.Deployment == Mem0Deployment.SelfHosted && options.BaseUrl is null)
        {
            throw new ArgumentException("A self-hosted Mem0 server needs Mem0StorageOptions.BaseUrl (for example http://localhost:8888).", nameof(options));
        }

        if (options.BaseUrl is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
        {
            throw new ArgumentException("Mem0StorageOptions.BaseUrl must be an absolute http or https address.", nameof(options));
        }

        if (!Enum.IsDefined(options.Deployment))
        {
            throw new ArgumentException("Mem0StorageOptions.Deployment must be Platform or SelfHosted.", nameof(options));
        }

        if (string.IsNullOrWhiteSpace(options.DefaultUserId))
        {
            throw new ArgumentException("Mem0StorageOptions.DefaultUserId must be a non-empty string.", nameof(options));
        }

        if (options.MaxRetries is < 0 or > 10)
        {
            throw new ArgumentException("Mem0StorageOptions.MaxRetries must be between 0 and 10.", nameof(options));
        }

        if (options.RetryDelay < TimeSpan.Zero || options.RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("Mem0StorageOptions.RetryDelay must not be negative and RequestTimeout must be positive.", nameof(options));
        }

        return options;
    }

    private static Mem0StorageOptions Copy(Mem0StorageOptions o) => new()
    {
        Deployment = o.Deployment,
        ApiKey = o.ApiKey ?? (o.Deployment == Mem0Deployment.Platform ? Environment.GetEnvironmentVariable("MEM0_API_KEY") : null),
        OrgId = o.OrgId,
        ProjectId = o.ProjectId,
        BaseUrl = o.BaseUrl,
        DefaultUserId = o.DefaultUserId,
        SessionTable = o.SessionTable,
        UserMemoryTable = o.UserMemoryTable,
        KnowledgeTable = o.KnowledgeTable,
        Id = o.Id,
        Expire = o.Expire,
        MaxRetries = o.MaxRetries,
        RetryDelay = o.RetryDelay,
        RequestTimeout = o.RequestTimeout,
    };
}
