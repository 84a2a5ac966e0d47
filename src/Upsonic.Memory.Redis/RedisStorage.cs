using System.Net;
using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Upsonic.Storage.Redis;

/// <summary>
/// An <see cref="IStorage"/> over Redis (a single node or Redis Cluster) through StackExchange.Redis.
/// </summary>
/// <remarks>
/// <para>Layout (see docs, "Redis storage"): every key of a session shares the hash tag <c>{prefix:session_table:id}</c>: a head
/// hash, a message hash keyed by sequence, sorted sets indexing history messages by turn and run messages by run, and a hash of run
/// records. Each run is written by ONE Lua script that also checks the head's version, so concurrent writers never lose an update.
/// Listings read sorted-set indexes under the hash tag <c>{prefix:idx}</c>; no call ever uses SCAN or KEYS except
/// <see cref="StorageBase.ClearAllAsync"/>.</para>
/// <para>Index keys live in another hash slot than session keys, so an index change is a second atomic step: new entries are added
/// before the record is written, stale ones removed after. Readers check every entry against its record, so an entry left behind
/// by a crash between the steps is never returned, and they remove such entries once they are older than a minute.</para>
/// <para>With <c>expire</c> set, every key a write touches gets that TTL again, so a session lives until <c>expire</c> seconds
/// after its last write.</para>
/// <para><b>Security considerations:</b> values are sent as script arguments, never spliced into scripts; ids are encoded so they
/// cannot change the key layout; the prefix and table names are validated at construction; error messages never contain the
/// connection string or password.</para>
/// </remarks>
public sealed partial class RedisStorage : StorageBase
{
    /// <summary>The default key prefix.</summary>
    public const string DefaultPrefix = "upsonic";

    /// <summary>
    /// The most messages one write may hold: a run given to <see cref="StorageBase.AppendRunAsync"/>, or all messages (history and runs) of a
    /// session given to <see cref="StorageBase.UpsertSessionAsync"/>. A write is one Lua script call, and Redis accepts at most 1,048,576
    /// arguments per command (about 10 per message); a larger write is rejected with an <see cref="ArgumentException"/> before
    /// anything is written, rather than failing in the server.
    /// </summary>
    public const int MaxMessagesPerWrite = 50_000;

    /// <summary>How long a dangling index entry is left alone, so readers never remove the entry of a record being written.</summary>
    internal static readonly TimeSpan IndexGrace = TimeSpan.FromMinutes(1);

    private readonly ConfigurationOptions? _options;
    private readonly bool _ownsClient;
    private readonly DnsEndPoint? _endPoint;
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private IConnectionMultiplexer? _client;
    private readonly RedisKnownHeads _knownHeads = new();
    private bool _schemaWritten;
    private bool _disposed;

    /// <summary>Creates a storage that connects to the Redis at <paramref name="dbUrl"/> on first use.</summary>
    /// <param name="dbUrl"><c>redis://[user:password@]host:port[/db]</c>, <c>rediss://...</c> for TLS, or a StackExchange.Redis configuration string.</param>
    /// <param name="dbPrefix">The key prefix (letters, digits, underscores).</param>
    /// <param name="expire">TTL in seconds for every key, refreshed on each write; null = keys never expire.</param>
    /// <param name="sessionTable">The key segment of sessions (default <c>sessions</c>).</param>
    /// <param name="userMemoryTable">The key segment of profiles (default <c>user_memories</c>).</param>
    /// <param name="knowledgeTable">The key segment of knowledge rows (default <c>upsonic_knowledge</c>, as upstream).</param>
    /// <param name="id">The storage id; by default derived from the prefix and the endpoints (stable across processes).</param>
    /// <param name="timeProvider">The clock for stored times and for filtering expired records on read; <see cref="TimeProvider.System"/> when null.</param>
    /// <remarks>Calls fail with <see cref="StorageException"/> within a few seconds while the server is unreachable, and work again
    /// after it comes back, without recreating the storage.</remarks>
    /// <exception cref="ArgumentException"><paramref name="dbUrl"/> is missing or cannot be parsed, a name is invalid, or <paramref name="expire"/> is not positive (<see cref="ArgumentOutOfRangeException"/>).</exception>
    public RedisStorage(string dbUrl, string dbPrefix = DefaultPrefix, int? expire = null, string? sessionTable = null, string? userMemoryTable = null, string? knowledgeTable = null, string? id = null, TimeProvider? timeProvider = null)
        : base(Or(sessionTable, "sessions"), Or(userMemoryTable, "user_memories"), knowledgeTable, id, expire, timeProvider)
    {
        if (string.IsNullOrWhiteSpace(dbUrl))
        {
            throw new ArgumentException("A Redis URL (redis://host:port) or a StackExchange.Redis configuration string is required.", nameof(dbUrl));
        }

        DbPrefix = StorageNames.Validate(dbPrefix, DefaultPrefix, nameof(dbPrefix));
        _options = RedisConnectionOptions.Parse(dbUrl, nameof(dbUrl));
        _ownsClient = true;
        _endPoint = RedisConnectionOptions.EndPoint(_options.EndPoints);
        Keys = new RedisKeys(DbPrefix, SessionTable, UserMemoryTable, KnowledgeTable);
        Id = string.IsNullOrEmpty(id) ? DefaultId(DbPrefix, RedisConnectionOptions.Describe(_options.EndPoints, _options.DefaultDatabase ?? 0)) : id;
    }

    /// <summary>Creates a storage over an existing connection, which it uses but never disposes.</summary>
    /// <param name="redisClient">The connection (single node or cluster).</param>
    /// <param name="dbPrefix">The key prefix (letters, digits, underscores).</param>
    /// <param name="expire">TTL in seconds for every key, refreshed on each write; null = keys never expire.</param>
    /// <param name="sessionTable">The key segment of sessions (default <c>sessions</c>).</param>
    /// <param name="userMemoryTable">The key segment of profiles (default <c>user_memories</c>).</param>
    /// <param name="knowledgeTable">The key segment of knowledge rows (default <c>upsonic_knowledge</c>, as upstream).</param>
    /// <param name="id">The storage id; by default derived from the prefix and the endpoints (stable across processes).</param>
    /// <param name="timeProvider">The clock for stored times and for filtering expired records on read; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentException"><paramref name="redisClient"/> is null, a name is invalid, or <paramref name="expire"/> is not positive (<see cref="ArgumentOutOfRangeException"/>).</exception>
    public RedisStorage(IConnectionMultiplexer redisClient, string dbPrefix = DefaultPrefix, int? expire = null, string? sessionTable = null, string? userMemoryTable = null, string? knowledgeTable = null, string? id = null, TimeProvider? timeProvider = null)
        : base(Or(sessionTable, "sessions"), Or(userMemoryTable, "user_memories"), knowledgeTable, id, expire, timeProvider)
    {
        if (redisClient is null)
        {
            throw new ArgumentException("A Redis connection (IConnectionMultiplexer) is required.", nameof(redisClient));
        }

        DbPrefix = StorageNames.Validate(dbPrefix, DefaultPrefix, nameof(dbPrefix));
        _client = redisClient;
        _ownsClient = false;
        _endPoint = RedisConnectionOptions.EndPoint(redisClient.GetEndPoints());
        Keys = new RedisKeys(DbPrefix, SessionTable, UserMemoryTable, KnowledgeTable);
        Id = string.IsNullOrEmpty(id) ? DefaultId(DbPrefix, RedisConnectionOptions.Describe(redisClient.GetEndPoints(), 0)) : id;
    }

    /// <summary>The prefix of every key this storage writes.</summary>
    public string DbPrefix { get; }

    internal RedisKeys Keys { get; }

    /// <inheritdoc />
    /// <remarks>Writes the schema-version key (again); there is nothing else to create.</remarks>
    protected override Task CreateSchemaCoreAsync(CancellationToken cancellationToken)
    {
        _schemaWritten = false;
        return WithDatabaseAsync(async db =>
        {
            await WriteSchemaAsync(db).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>The one operation that scans: it deletes every key of this storage's tables (records and their indexes) on every primary,
    /// including keys that no index lists. Keys of another storage that shares the prefix with other table names are left alone.</remarks>
    protected override Task ClearAllCoreAsync(CancellationToken cancellationToken) =>
        WithDatabaseAsync(async db =>
        {
            var client = db.Multiplexer;
            foreach (var server in client.GetServers().Where(s => !s.IsReplica && s.IsConnected))
            {
                var batch = new List<Task>();
                foreach (var pattern in Keys.TablePatterns)
                {
                    await foreach (var key in server.KeysAsync(db.Database, pattern, pageSize: 500).ConfigureAwait(false))
                    {
                        // One DEL per key: keys of different hash slots cannot share a DEL on a cluster.
                        batch.Add(db.KeyDeleteAsync(key));
                    }
                }

                await Task.WhenAll(batch).ConfigureAwait(false);
            }

            _schemaWritten = false;
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>A session is written in one script call: its messages and its runs' messages together at most <see cref="MaxMessagesPerWrite"/>.</remarks>
    protected override void CheckWriteLimits(AgentSession session, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(session);
        CheckWriteSize(MessageCount(session), parameterName);
    }

    /// <inheritdoc />
    /// <remarks>A run is written in one script call: at most <see cref="MaxMessagesPerWrite"/> messages.</remarks>
    protected override void CheckWriteLimits(RunAppend append, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(append);
        CheckWriteSize(append.Run.Messages.Count, parameterName);
    }

    private static void CheckWriteSize(int messages, string parameterName)
    {
        if (messages > MaxMessagesPerWrite)
        {
            throw new ArgumentException(
                $"The write holds {messages} messages; RedisStorage writes at most {MaxMessagesPerWrite} in one atomic step (the Redis "
                + "argument limit of one script call). Split the history over several runs.", parameterName);
        }
    }

    private static int MessageCount(AgentSession session) => session.Messages.Count + session.Runs.Sum(r => r?.Messages.Count ?? 0);

    /// <summary>Closes the connection this storage opened (a connection passed in is left open). Data is never erased.</summary>
    protected override async ValueTask DisposeAsyncCore()
    {
        _disposed = true;
        if (_ownsClient && _client is { } client)
        {
            await client.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
            client.Dispose();
        }

        _connectGate.Dispose();
    }

    /// <summary>Sync twin of <see cref="DisposeAsyncCore"/>: closes the connection this storage opened. Data is never erased.</summary>
    protected override void DisposeCore()
    {
        _disposed = true;
        if (_ownsClient && _client is { } client)
        {
            client.Close(allowCommandsToComplete: false);
            client.Dispose();
        }

        _connectGate.Dispose();
    }

    /// <summary>The connection, opened on first use.</summary>
    internal async Task<IConnectionMultiplexer> ConnectionAsync()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_client is { } existing)
        {
            return existing;
        }

        await _connectGate.WaitAsync().ConfigureAwait(false);
        try
        {
            // With AbortOnConnectFail off, this returns a reconnecting multiplexer even when the server is down.
            return _client ??= await ConnectionMultiplexer.ConnectAsync(_options!).ConfigureAwait(false);
        }
        finally
        {
            _connectGate.Release();
        }
    }

    /// <summary>Runs one operation's work on the database of the (lazily opened) connection.</summary>
    private async Task<T> WithDatabaseAsync<T>(Func<IDatabase, Task<T>> action, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var client = await ConnectionAsync().ConfigureAwait(false);
        return await action(client.GetDatabase()).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override string DbSystemName => "redis";

    /// <inheritdoc />
    protected override DnsEndPoint? ServerEndPoint => _endPoint;

    /// <inheritdoc />
    protected override bool IsEngineFailure(Exception exception, CancellationToken cancellationToken) =>
        exception is RedisException or RedisTimeoutException or TimeoutException;

    /// <inheritdoc />
    /// <remarks>The driver's message names endpoints and commands, never the password; ours adds only the operation and record.</remarks>
    protected override StorageException TranslateFailure(Exception exception, string operation, string? recordId)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var what = recordId is null ? "" : $" for '{recordId}'";
        return new StorageException($"Redis operation {operation}{what} failed: {exception.GetType().Name}.", exception, operation, recordId);
    }

    /// <summary>Writes the schema-version key once per instance (with the TTL, so no key outlives <see cref="StorageBase.Expire"/>).</summary>
    private async Task WriteSchemaAsync(IDatabase db)
    {
        if (_schemaWritten)
        {
            return;
        }

        if (Expire is { } seconds)
        {
            await db.StringSetAsync(Keys.Schema, 1, TimeSpan.FromSeconds(seconds)).ConfigureAwait(false);
        }
        else
        {
            await db.StringSetAsync(Keys.Schema, 1).ConfigureAwait(false);
        }
        _schemaWritten = true;
    }

    /// <summary>Redis's own default key segments, which the base validates.</summary>
    private static string Or(string? name, string fallback) => string.IsNullOrEmpty(name) ? fallback : name;

    /// <summary>"redis_" + 16 hex digits of SHA-256(prefix + '#' + endpoints): the same in every process, unlike string hash codes.</summary>
    internal static string DefaultId(string prefix, string endpoints) =>
        "redis_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(prefix + "#" + endpoints)))[..16];

    private long NowMillis() => StorageClock.ToUnixMilliseconds(StorageClock.Now());
}
