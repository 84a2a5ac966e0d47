namespace Upsonic.Storage.Backends;

// Retention (expire): the shared expiry rule, the purge of an expired record before it is written again, and the bounded sweep.
public abstract partial class StorageBase
{
    /// <summary>How many expired sessions, and how many expired user memories, one sweep deletes at most.</summary>
    public const int ExpirySweepLimit = 500;

    /// <summary>How often (at most) a storage with <see cref="Expire"/> set sweeps expired records, piggybacked on a write.</summary>
    public static readonly TimeSpan ExpirySweepInterval = TimeSpan.FromMinutes(1);

    private long _nextSweepTicks;

    /// <summary>
    /// Seconds after its last write when a session (head, messages and runs) or a user memory expires; null (the default) = never.
    /// Expired records are never returned, and are removed physically (see docs/storage.md, "Retention").
    /// </summary>
    public int? Expire { get; }

    /// <summary>This storage's clock: the time provider given to its constructor (the system clock by default). Every time a
    /// backend stores, and every expiry decision, comes from it.</summary>
    protected StorageClock StorageClock { get; }

    /// <summary>Records last written at or before this time have expired; null when <see cref="Expire"/> is not set.</summary>
    protected DateTimeOffset? ExpiryCutoff() => Expire is { } seconds ? StorageClock.Now().AddSeconds(-seconds) : null;

    /// <summary><see cref="ExpiryCutoff"/> as Unix milliseconds, for a bound query parameter; null when nothing expires.</summary>
    protected long? ExpiryCutoffMilliseconds() => ExpiryCutoff() is { } cutoff ? StorageClock.ToUnixMilliseconds(cutoff) : null;

    /// <summary>Whether a record last written at <paramref name="updatedAt"/> has expired (never when <see cref="Expire"/> is not set).</summary>
    /// <param name="updatedAt">The record's last write.</param>
    protected bool IsExpired(DateTimeOffset? updatedAt) => ExpiryCutoff() is { } cutoff && updatedAt is { } at && at <= cutoff;

    /// <summary>
    /// Deletes the expired records <paramref name="sweep"/> names (sessions whole: head, messages and runs). Called only when
    /// <see cref="Expire"/> is set: before a write, for the records it touches (so an expired session is never continued), and at
    /// most every <see cref="ExpirySweepInterval"/> with no ids and <see cref="ExpirySweepLimit"/>. A backend whose engine removes
    /// expired data itself (Redis TTL) may leave the sweep over any records empty, but must purge named ones. The default does nothing.
    /// </summary>
    /// <param name="sweep">What to delete.</param>
    /// <param name="cancellationToken">Cancels the deletion.</param>
    protected virtual Task DeleteExpiredCoreAsync(ExpirySweep sweep, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs <paramref name="write"/> after deleting what of its records has expired and, when due, sweeping.</summary>
    private async Task<T> AfterExpiryAsync<T>(IReadOnlyList<string> sessionIds, IReadOnlyList<string> userIds, Func<CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    {
        if (ExpiryCutoff() is { } cutoff)
        {
            await DeleteExpiredCoreAsync(new ExpirySweep(cutoff, sessionIds, userIds, ExpirySweepLimit), cancellationToken).ConfigureAwait(false);
            if (ClaimSweep())
            {
                await DeleteExpiredCoreAsync(new ExpirySweep(cutoff, null, null, ExpirySweepLimit), cancellationToken).ConfigureAwait(false);
            }
        }

        return await write(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether this call runs the periodic sweep (one caller per interval).</summary>
    private bool ClaimSweep()
    {
        var now = StorageClock.TimeProvider.GetUtcNow().UtcTicks;
        var next = Interlocked.Read(ref _nextSweepTicks);
        return now >= next && Interlocked.CompareExchange(ref _nextSweepTicks, now + ExpirySweepInterval.Ticks, next) == next;
    }

    /// <summary>Checks an <c>expire</c> argument (positive seconds, or null) and returns it; for a backend that must check it before
    /// the base constructor runs (for example before creating a client it would own).</summary>
    /// <param name="expire">The argument.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="expire"/> is not positive.</exception>
    protected static int? CheckedExpire(int? expire) =>
        expire is <= 0
            ? throw new ArgumentOutOfRangeException(nameof(expire), expire, "expire must be a positive number of seconds, or null for no expiry.")
            : expire;
}
