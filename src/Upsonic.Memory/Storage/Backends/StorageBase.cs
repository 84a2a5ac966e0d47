using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace Upsonic.Storage.Backends;

/// <summary>
/// The base of every storage backend: an <see cref="IStorage"/> whose public members check their arguments, create the schema
/// once (lazily), run the operation through one wrapper that turns engine failures into <see cref="StorageException"/>, and
/// call the protected <c>*CoreAsync</c> member a backend implements. The singular and derived members (one session, the latest
/// session, one delete) are written here once, on top of the plural core members.
/// </summary>
/// <remarks>
/// <para>A backend derives from this class, passes its table names and id to the constructor, implements the abstract core
/// members with its engine work only, and overrides <see cref="IsEngineFailure"/> (which exceptions are the engine's) and, when
/// it has tables, <see cref="CreateSchemaCoreAsync"/> and <see cref="TableExistsCoreAsync"/>. Core members receive arguments
/// already checked (docs/writing-a-backend.md). The contract suite in the <c>Upsonic.Memory.Testing</c> package checks a backend.</para>
/// <para>This API is experimental (<c>UPSMEM001</c>) until it settles: it may change in a minor version.</para>
/// <para><b>Security considerations:</b> a backend stores conversations and user profiles verbatim; it must send values as bound
/// parameters (never as query text) and never create types named by stored data.</para>
/// </remarks>
[Experimental(ExperimentalDiagnosticId)]
public abstract partial class StorageBase : IStorage, IDisposable
{
    /// <summary>The diagnostic id of the experimental backend kit (<c>UPSMEM001</c>).</summary>
    public const string ExperimentalDiagnosticId = "UPSMEM001";

    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;
    private int _disposed;

    /// <summary>Validates the table names (see <see cref="StorageNames"/>) and sets the id.</summary>
    /// <param name="sessionTable">The session table name; <c>upsonic_sessions</c> when null or empty.</param>
    /// <param name="userMemoryTable">The user-memory table name; <c>upsonic_user_memories</c> when null or empty.</param>
    /// <param name="knowledgeTable">The knowledge table name; <c>upsonic_knowledge</c> when null or empty.</param>
    /// <param name="id">The storage id; a new GUID string when null or empty.</param>
    /// <exception cref="ArgumentException">A table name is invalid.</exception>
    protected StorageBase(string? sessionTable, string? userMemoryTable, string? knowledgeTable, string? id)
        : this(sessionTable, userMemoryTable, knowledgeTable, id, expire: null, timeProvider: null)
    {
    }

    /// <summary>Validates the table names (see <see cref="StorageNames"/>), sets the id, the retention and the clock.</summary>
    /// <param name="sessionTable">The session table name; <c>upsonic_sessions</c> when null or empty.</param>
    /// <param name="userMemoryTable">The user-memory table name; <c>upsonic_user_memories</c> when null or empty.</param>
    /// <param name="knowledgeTable">The knowledge table name; <c>upsonic_knowledge</c> when null or empty.</param>
    /// <param name="id">The storage id; a new GUID string when null or empty.</param>
    /// <param name="expire">Seconds after its last write when a session or user memory expires (see <see cref="Expire"/>); null = never.</param>
    /// <param name="timeProvider">The clock of <see cref="StorageClock"/>; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentException">A table name is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="expire"/> is not positive.</exception>
    protected StorageBase(string? sessionTable, string? userMemoryTable, string? knowledgeTable, string? id, int? expire, TimeProvider? timeProvider)
    {
        Expire = CheckedExpire(expire);
        StorageClock = new StorageClock(timeProvider);
        SessionTable = StorageNames.Validate(sessionTable, StorageNames.DefaultSessionTable, nameof(sessionTable));
        UserMemoryTable = StorageNames.Validate(userMemoryTable, StorageNames.DefaultUserMemoryTable, nameof(userMemoryTable));
        KnowledgeTable = StorageNames.Validate(knowledgeTable, StorageNames.DefaultKnowledgeTable, nameof(knowledgeTable));
        Id = string.IsNullOrEmpty(id) ? Guid.NewGuid().ToString() : id;
    }

    /// <inheritdoc />
    public string Id { get; protected init; }

    /// <inheritdoc />
    public string SessionTable { get; }

    /// <inheritdoc />
    public string UserMemoryTable { get; }

    /// <inheritdoc />
    public string KnowledgeTable { get; }

    /// <inheritdoc />
    public Task<bool> TableExistsAsync(string tableName, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(tableName, nameof(tableName));
        return ExecuteAsync("TableExists", tableName, needsSchema: false, ct => TableExistsCoreAsync(tableName, ct), cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Runs <see cref="CreateSchemaCoreAsync"/> again even when this instance already created the schema (it is idempotent).</remarks>
    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) =>
        ExecuteAsync("EnsureCreated", null, needsSchema: false, async ct =>
        {
            await CreateSchemaAsync(force: true, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public Task ClearAllAsync(CancellationToken cancellationToken = default) =>
        ExecuteAsync("ClearAll", null, needsSchema: true, async ct =>
        {
            await ClearAllCoreAsync(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>Releases what the backend holds (connections, pools). Never erases data. A second call (or a call after <see cref="Dispose"/>) does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await DisposeAsyncCore().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Checks a backend's own limits on a session write (for example how much one atomic step can hold), after the shared
    /// argument checks and before any I/O. The default accepts every session.</summary>
    /// <param name="session">A checked session.</param>
    /// <param name="parameterName">The public member's parameter, to name in the <see cref="ArgumentException"/>.</param>
    /// <exception cref="ArgumentException">The session is beyond the backend's limits.</exception>
    protected virtual void CheckWriteLimits(AgentSession session, string parameterName)
    {
    }

    /// <summary>Checks a backend's own limits on a run append, after the shared argument checks and before any I/O. The default
    /// accepts every append.</summary>
    /// <param name="append">A checked append.</param>
    /// <param name="parameterName">The public member's parameter, to name in the <see cref="ArgumentException"/>.</param>
    /// <exception cref="ArgumentException">The append is beyond the backend's limits.</exception>
    protected virtual void CheckWriteLimits(RunAppend append, string parameterName)
    {
    }

    /// <summary>
    /// Sync twin of <see cref="DisposeAsync"/>: releases what the backend holds without blocking on asynchronous work. Never
    /// erases data. A second call (or a call after <see cref="DisposeAsync"/>) does nothing.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        DisposeCore();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Releases what the backend holds, asynchronously; called at most once, and never together with <see cref="DisposeCore"/>.
    /// The default runs <see cref="DisposeCore"/>: a backend whose release is synchronous overrides only that.
    /// </summary>
    protected virtual ValueTask DisposeAsyncCore()
    {
        DisposeCore();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Releases what the backend holds, synchronously (from <see cref="Dispose"/>); called at most once, and never together with
    /// <see cref="DisposeAsyncCore"/>. A backend that overrides <see cref="DisposeAsyncCore"/> with asynchronous work overrides
    /// this with the synchronous equivalent. The default releases nothing.
    /// </summary>
    protected virtual void DisposeCore()
    {
    }

    /// <summary>Whether the named table exists, without creating anything. The default (backends without tables) is <see langword="true"/>.</summary>
    protected virtual Task<bool> TableExistsCoreAsync(string tableName, CancellationToken cancellationToken) => Task.FromResult(true);

    /// <summary>
    /// Creates every table and index idempotently. Called once before the first operation that needs the schema, and by every
    /// <see cref="EnsureCreatedAsync"/>; never concurrently with itself. The default does nothing.
    /// </summary>
    protected virtual Task CreateSchemaCoreAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deletes every session (with messages and runs), profile and knowledge row.</summary>
    protected abstract Task ClearAllCoreAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The engine's name in traces and metrics (<c>db.system.name</c> of the OpenTelemetry database conventions, for example
    /// <c>sqlite</c>, <c>postgresql</c>, <c>redis</c>, <c>mongodb</c>). When set, every operation is a client span and a
    /// <c>db.client.operation.duration</c> measurement (docs/observability.md). The default, <see langword="null"/>, traces nothing
    /// (for in-process storage).
    /// </summary>
    protected virtual string? DbSystemName => null;

    /// <summary>The one server this storage talks to, recorded as <c>server.address</c> and <c>server.port</c> on its spans;
    /// <see langword="null"/> (the default) for an embedded engine or several hosts.</summary>
    protected virtual DnsEndPoint? ServerEndPoint => null;

    /// <summary>Whether <paramref name="exception"/> is a failure of the engine (unreachable, timed out, refused) that callers see as
    /// <see cref="StorageException"/>. The default is <see langword="false"/>: nothing is translated.</summary>
    /// <param name="exception">The exception a core member threw.</param>
    /// <param name="cancellationToken">The operation's token: a cancellation the caller asked for is not an engine failure.</param>
    protected virtual bool IsEngineFailure(Exception exception, CancellationToken cancellationToken) => false;

    /// <summary>The <see cref="StorageException"/> for an engine failure of an operation. Override to add the engine's name or to
    /// react to the failure (for example drop pooled connections); the message must never contain connection secrets.</summary>
    /// <param name="exception">The engine's exception (the inner exception of the result).</param>
    /// <param name="operation">The operation, for example <c>AppendRun</c>.</param>
    /// <param name="recordId">The record involved (session, run or user id), when known.</param>
    protected virtual StorageException TranslateFailure(Exception exception, string operation, string? recordId)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var about = recordId is null ? "" : $" for '{recordId}'";
        return new StorageException($"Storage operation {operation}{about} failed: {exception.Message}", exception, operation, recordId);
    }

    /// <summary>
    /// The one place every public operation runs through: a storage span and duration measurement when the backend names its
    /// engine (<see cref="DbSystemName"/>), around <see cref="ExecuteUntracedAsync{T}"/>.
    /// </summary>
    private Task<T> ExecuteAsync<T>(string operation, string? recordId, bool needsSchema, Func<CancellationToken, Task<T>> core, CancellationToken cancellationToken) =>
        DbSystemName is { } system
            ? StorageTelemetry.TraceAsync(this, system, operation, ServerEndPoint, () => ExecuteUntracedAsync(operation, recordId, needsSchema, core, cancellationToken))
            : ExecuteUntracedAsync(operation, recordId, needsSchema, core, cancellationToken);

    /// <summary>
    /// Creates the schema first when the operation needs it, runs the core work, and turns engine failures
    /// (<see cref="IsEngineFailure"/>) into <see cref="StorageException"/> naming the operation and record (a
    /// <see cref="StorageException"/> thrown without an operation gets this one).
    /// </summary>
    private async Task<T> ExecuteUntracedAsync<T>(string operation, string? recordId, bool needsSchema, Func<CancellationToken, Task<T>> core, CancellationToken cancellationToken)
    {
        try
        {
            if (needsSchema && !_schemaReady)
            {
                await CreateSchemaAsync(force: false, cancellationToken).ConfigureAwait(false);
            }

            return await core(cancellationToken).ConfigureAwait(false);
        }
        catch (StorageException ex) when (ex.Operation is null)
        {
            // A core member (or the schema creation it needed) reported a failure without knowing the public operation.
            throw ex.IsCorruptData
                ? StorageException.CorruptData(ex.Message, ex.InnerException, operation, ex.RecordId ?? recordId)
                : new StorageException(ex.Message, ex.InnerException, operation, ex.RecordId ?? recordId);
        }
        catch (Exception ex) when (ex is not StorageException && IsEngineFailure(ex, cancellationToken))
        {
            throw TranslateFailure(ex, operation, recordId);
        }
    }

    private async Task CreateSchemaAsync(bool force, CancellationToken cancellationToken)
    {
        await _schemaGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (force || !_schemaReady)
            {
                await CreateSchemaCoreAsync(cancellationToken).ConfigureAwait(false);
                _schemaReady = true;
            }
        }
        finally
        {
            _schemaGate.Release();
        }
    }
}
