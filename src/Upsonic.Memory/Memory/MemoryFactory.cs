using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Upsonic.Storage;

/// <summary>
/// One memory configuration (storage, options, model, logging) serving many sessions and users: <see cref="ForSession(string, string?)"/> gives
/// the <see cref="Memory"/> of one session at no cost, and one background worker runs every session's summary and profile work.
/// </summary>
/// <remarks>
/// <para>Create one factory per application (dependency injection registers it as a singleton) and one memory per request or
/// conversation. A factory-made memory is cheap to create and returns from dispose at once: with
/// <see cref="MemoryOptions.BackgroundProcessing"/> on, its work runs on the factory's worker (per session in the order the runs
/// were saved, coalescing runs queued meanwhile, <see cref="MemoryOptions.BackgroundConcurrency"/> sessions at a time), and <see cref="FlushAsync"/> or
/// <see cref="DisposeAsync"/> drain the work of every session.</para>
/// <para>The options are copied when the factory is created. Their <see cref="MemoryOptions.SessionId"/> and
/// <see cref="MemoryOptions.UserId"/> are not used: every memory gets the ids given to <see cref="ForSession(string, string?)"/>.</para>
/// <para>Disposing the factory does not dispose the storage or the model: whoever created them owns them.</para>
/// <para><b>Security considerations:</b> the session and user ids decide whose history, summary and profile a memory reads and
/// extends. Take them from an authenticated identity, never from input a user can choose freely.</para>
/// </remarks>
public sealed class MemoryFactory : IAsyncDisposable, IDisposable
{
    private readonly MemoryOptions _options;
    private readonly MemoryRuntime _runtime;
    private volatile bool _disposed;

    /// <summary>Creates a factory; the options are checked here, so a bad setting fails at start-up rather than on the first request.</summary>
    /// <param name="storage">The storage every memory reads and writes.</param>
    /// <param name="options">The settings of every memory; null uses the defaults (nothing is saved or loaded).</param>
    /// <param name="model">The model for summaries and profiles. Never the memory pipeline itself (that would recurse).</param>
    /// <param name="loggerFactory">Where logs go; none by default.</param>
    /// <exception cref="ArgumentNullException"><paramref name="storage"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    public MemoryFactory(IStorage storage, MemoryOptions? options = null, IChatClient? model = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        _options = options?.Clone() ?? new MemoryOptions();
        _options.SessionId = null;
        _options.UserId = null;
        Memory.Validate(_options);
        _runtime = new MemoryRuntime(model, loggerFactory, _options);
        Storage = storage;
        if (_options.DynamicUserProfile && _options.UserProfileSchema is not null)
        {
            MemoryLog.SchemaIgnored(_runtime.Logger, "(every session of a MemoryFactory)");
        }
    }

    /// <summary>The storage every memory uses.</summary>
    public IStorage Storage { get; }

    /// <summary>The model for summaries and profiles, or null.</summary>
    public IChatClient? Model => _runtime.Client;

    /// <summary>Gives the memory of one session. Does no I/O; the memory shares the factory's model, loggers and background worker.</summary>
    /// <param name="sessionId">The session key.</param>
    /// <param name="userId">The user key (the profile's owner); null gives the memory a new GUID user, so no profile is shared.</param>
    /// <returns>A memory; disposing it is optional and returns at once.</returns>
    /// <exception cref="ArgumentException"><paramref name="sessionId"/> is null, empty, white space or ill-formed UTF-16, or <paramref name="userId"/> is empty, white space or ill-formed UTF-16.</exception>
    /// <exception cref="ObjectDisposedException">The factory has been disposed.</exception>
    public Memory ForSession(string sessionId, string? userId = null)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        StorageArguments.Id(sessionId, nameof(sessionId));
        StorageArguments.OptionalNonBlankId(userId, nameof(userId));

        ObjectDisposedException.ThrowIf(_disposed, this);
        return new Memory(Storage, _options, sessionId, userId, _runtime, ownsRuntime: false);
    }

    /// <summary>Gives the memory of <paramref name="scope"/>; see <see cref="ForSession(string, string?)"/>.</summary>
    /// <param name="scope">The session and user.</param>
    /// <returns>A memory; disposing it is optional and returns at once.</returns>
    public Memory ForSession(MemoryScope scope) => ForSession(scope.SessionId, scope.UserId);

    /// <summary>Waits for the background summary and profile work of every session queued before this call.</summary>
    /// <param name="ct">Stops waiting (the work goes on).</param>
    public Task FlushAsync(CancellationToken ct = default) => _runtime.Worker.FlushAsync(null, ct);

    /// <summary>Stops accepting background work and waits for the work of every session to finish. Does not dispose the storage or the model.</summary>
    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        await _runtime.Worker.DrainAsync().ConfigureAwait(false);
    }

    /// <summary>Sync twin of <see cref="DisposeAsync"/>, for synchronous dependency injection scopes.</summary>
    public void Dispose()
    {
        _disposed = true;
        _runtime.Worker.DrainAsync().GetAwaiter().GetResult();
    }
}
