using System.Net;
using MongoDB.Driver;

namespace Upsonic.Storage.Mongo;

/// <summary>
/// MongoDB storage: session heads, their messages and runs in separate collections, user profiles and knowledge rows, with an
/// append-only hot path whose cost per turn does not depend on how long the session is.
/// </summary>
/// <remarks>
/// <para>Collections (names from the constructor): <c>&lt;sessionCollection&gt;</c> (heads), <c>&lt;sessionCollection&gt;_messages</c>,
/// <c>&lt;sessionCollection&gt;_runs</c>, <c>&lt;sessionCollection&gt;_schema</c> (layout version), <c>&lt;userMemoryCollection&gt;</c>
/// and <c>&lt;knowledgeCollection&gt;</c>. Indexes are created before the first operation of every instance, in every process.</para>
/// <para>No multi-document transactions are needed, so a standalone server works. Sequence numbers come from an atomic
/// <c>$inc</c> on the head, so concurrent writers in any number of processes never lose a run or a message; session usage uses an
/// optimistic version check. See docs/storage-mongo.md for the documents, indexes, commands per operation and crash behaviour.</para>
/// <para><b>Security considerations:</b> values are always sent as BSON values, never as query text; user-chosen map keys are
/// escaped before they become field names (<c>.</c>, a leading <c>$</c>, <c>%</c> and NUL); collection and database names are
/// validated at construction; error messages never contain the connection string.</para>
/// </remarks>
public sealed partial class MongoStorage : StorageBase
{
    /// <summary>The server selection timeout used when the connection string does not set <c>serverSelectionTimeoutMS</c>.</summary>
    public static readonly TimeSpan DefaultServerSelectionTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The default database name.</summary>
    public const string DefaultDbName = "upsonic";

    private readonly MongoClient? _ownedClient;
    private readonly MongoCollections _collections;
    private readonly MongoSchema _schema;
    private readonly DnsEndPoint? _endPoint;

    /// <summary>Creates a storage that connects with a MongoDB connection string; it owns (and disposes) its client.</summary>
    /// <param name="dbUrl">A <c>mongodb://</c> or <c>mongodb+srv://</c> connection string. Without <c>serverSelectionTimeoutMS</c>,
    /// <see cref="DefaultServerSelectionTimeout"/> applies so that an unreachable server fails fast.</param>
    /// <param name="dbName">The database (default <c>upsonic</c>).</param>
    /// <param name="sessionCollection">The session collection (default <c>upsonic_sessions</c>); also the prefix of the message, run and schema collections.</param>
    /// <param name="userMemoryCollection">The user-memory collection (default <c>upsonic_user_memories</c>).</param>
    /// <param name="knowledgeCollection">The knowledge collection (default <c>upsonic_knowledge</c>).</param>
    /// <param name="id">The storage id (default: a new GUID).</param>
    /// <param name="expire">Seconds after its last write when a session (head, messages, runs) or a user memory expires; null (the
    /// default) = never. Expired records are never returned and are deleted by a bounded sweep on writes (docs/storage.md, "Retention").</param>
    /// <param name="timeProvider">The clock for stored times and expiry; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentException">The connection string is missing or invalid, or a name is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="expire"/> is not positive.</exception>
    /// <remarks>Nothing connects here: the first operation does, and fails with <see cref="StorageException"/> when the server is unreachable.</remarks>
    public MongoStorage(string dbUrl, string dbName = DefaultDbName, string? sessionCollection = null, string? userMemoryCollection = null,
        string? knowledgeCollection = null, string? id = null, int? expire = null, TimeProvider? timeProvider = null)
        : this(MongoNames.Validate(dbName, sessionCollection, userMemoryCollection, knowledgeCollection), CheckedExpire(expire), CreateClient(dbUrl), ownsClient: true, id, timeProvider)
    {
    }

    /// <summary>Creates a storage over an existing client, which the caller keeps owning (it is not disposed by this storage).</summary>
    /// <param name="dbClient">The client.</param>
    /// <param name="dbName">The database (default <c>upsonic</c>).</param>
    /// <param name="sessionCollection">The session collection (default <c>upsonic_sessions</c>); also the prefix of the message, run and schema collections.</param>
    /// <param name="userMemoryCollection">The user-memory collection (default <c>upsonic_user_memories</c>).</param>
    /// <param name="knowledgeCollection">The knowledge collection (default <c>upsonic_knowledge</c>).</param>
    /// <param name="id">The storage id (default: a new GUID).</param>
    /// <param name="expire">Seconds after its last write when a session (head, messages, runs) or a user memory expires; null (the
    /// default) = never. Expired records are never returned and are deleted by a bounded sweep on writes (docs/storage.md, "Retention").</param>
    /// <param name="timeProvider">The clock for stored times and expiry; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentException">The client is missing, or a name is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="expire"/> is not positive.</exception>
    public MongoStorage(IMongoClient dbClient, string dbName = DefaultDbName, string? sessionCollection = null, string? userMemoryCollection = null,
        string? knowledgeCollection = null, string? id = null, int? expire = null, TimeProvider? timeProvider = null)
        : this(MongoNames.Validate(dbName, sessionCollection, userMemoryCollection, knowledgeCollection), CheckedExpire(expire),
            dbClient ?? throw new ArgumentException("A MongoDB client is required.", nameof(dbClient)), ownsClient: false, id, timeProvider)
    {
    }

    private MongoStorage(MongoNames names, int? expire, IMongoClient client, bool ownsClient, string? id, TimeProvider? timeProvider)
        : base(names.Sessions, names.UserMemories, names.Knowledge, id, expire, timeProvider)
    {
        DbName = names.Database;
        DbClient = client;
        _ownedClient = ownsClient ? client as MongoClient : null;
        Database = client.GetDatabase(DbName);
        _collections = new MongoCollections(Database, SessionTable, UserMemoryTable, KnowledgeTable);
        _schema = new MongoSchema(_collections);
        _endPoint = client.Settings.Servers.ToList() is [var server] ? new DnsEndPoint(server.Host, server.Port) : null;
    }

    private static MongoClient CreateClient(string dbUrl)
    {
        if (string.IsNullOrWhiteSpace(dbUrl))
        {
            throw new ArgumentException("A MongoDB connection string (mongodb://host:port) is required.", nameof(dbUrl));
        }

        MongoClientSettings settings;
        try
        {
            var url = MongoUrl.Create(dbUrl);
            settings = MongoClientSettings.FromUrl(url);
        }
        catch (Exception ex) when (ex is MongoConfigurationException or ArgumentException or FormatException)
        {
            // The connection string may hold a password: it is not repeated in the message.
            throw new ArgumentException("The MongoDB connection string is not valid; expected mongodb://[user:password@]host[:port][/?options] or mongodb+srv://.", nameof(dbUrl), ex);
        }

        if (!dbUrl.Contains("serverSelectionTimeoutMS", StringComparison.OrdinalIgnoreCase))
        {
            settings.ServerSelectionTimeout = DefaultServerSelectionTimeout;
        }

        return new MongoClient(settings);
    }

    /// <summary>The database name.</summary>
    public string DbName { get; }

    /// <summary>The client (owned by this storage only when it was built from a connection string).</summary>
    public IMongoClient DbClient { get; }

    /// <summary>The database that holds the collections.</summary>
    public IMongoDatabase Database { get; }

    /// <summary>The session-head collection.</summary>
    public string SessionCollection => _collections.SessionName;

    /// <summary>The message collection (<c>&lt;sessionCollection&gt;_messages</c>).</summary>
    public string MessageCollection => _collections.MessageName;

    /// <summary>The run collection (<c>&lt;sessionCollection&gt;_runs</c>).</summary>
    public string RunCollection => _collections.RunName;

    /// <summary>The collection of the schema-version document (<c>&lt;sessionCollection&gt;_schema</c>).</summary>
    public string SchemaCollection => _collections.SchemaName;

    /// <summary>The user-memory collection.</summary>
    public string UserMemoryCollection => _collections.UserMemoryName;

    /// <summary>The knowledge collection.</summary>
    public string KnowledgeCollection => _collections.KnowledgeName;

    /// <summary>Releases the client when this storage created it. Never erases data.</summary>
    protected override void DisposeCore() => _ownedClient?.Dispose();

    /// <inheritdoc />
    protected override string DbSystemName => "mongodb";

    /// <inheritdoc />
    protected override DnsEndPoint? ServerEndPoint => _endPoint;

    /// <inheritdoc />
    protected override bool IsEngineFailure(Exception exception, CancellationToken cancellationToken) => MongoFailure.IsDriverFailure(exception);

    /// <inheritdoc />
    protected override StorageException TranslateFailure(Exception exception, string operation, string? recordId) =>
        MongoFailure.Wrap(exception, operation, recordId);
}
