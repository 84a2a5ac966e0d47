using Microsoft.Extensions.Logging;

namespace Upsonic.Storage;

/// <summary>
/// Runs summary and profile work after <see cref="Memory.SaveRunAsync"/> returns, for one <see cref="Memory"/> or for every
/// memory of a <see cref="MemoryFactory"/>: per session in the order the runs were saved, coalescing the runs queued while a
/// batch waits into that batch, several sessions at a time.
/// </summary>
/// <remarks>
/// <para>There is no loop thread: each session has a chain of batches, a batch runs on the thread pool once the previous batch
/// of its session has finished and one of <c>maxConcurrentBatches</c> slots (<see cref="MemoryOptions.BackgroundConcurrency"/>) is free, and an idle session holds nothing.
/// A failure is logged as a warning and never reaches a caller.</para>
/// </remarks>
/// <param name="logger">Where failures are logged.</param>
/// <param name="maxConcurrentBatches">How many sessions' batches run at once (greater than 0).</param>
internal sealed class MemoryWorker(ILogger logger, int maxConcurrentBatches)
{
    private readonly object _gate = new();
    private readonly Dictionary<MemoryScope, SessionQueue> _queues = [];
    private readonly SemaphoreSlim _slots = new(maxConcurrentBatches);
    private bool _closed;

    /// <summary>Queues work for a session; false when the worker has been drained (no more work is accepted).</summary>
    /// <param name="scope">The session (and user) the work belongs to: batches of one scope run in order.</param>
    /// <param name="work">The work.</param>
    /// <param name="process">Runs a batch; every memory of one scope passes the same behaviour.</param>
    public bool TryEnqueue(MemoryScope scope, MemoryWork work, Func<IReadOnlyList<MemoryWork>, CancellationToken, Task> process)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }

            if (!_queues.TryGetValue(scope, out var queue))
            {
                queue = new SessionQueue();
                _queues[scope] = queue;
            }

            if (queue.Waiting is { } waiting)
            {
                waiting.Add(work);
                return true;
            }

            var batch = new List<MemoryWork> { work };
            var previous = queue.Tail;
            queue.Waiting = batch;
            queue.Outstanding++;
            // Task.Run: the batch never starts on the caller's thread, so a save returns without waiting for model work. The batch
            // must not carry the enqueuing run's context either (its span would become the parent of the summary and profile spans).
            using (ExecutionContext.SuppressFlow())
            {
                queue.Tail = Task.Run(() => RunAfterAsync(previous, scope, queue, batch, process));
            }

            return true;
        }
    }

    /// <summary>Completes when the work queued before the call (for one scope, or for all) has been processed.</summary>
    public Task FlushAsync(MemoryScope? scope, CancellationToken ct)
    {
        Task[] tails;
        lock (_gate)
        {
            tails = scope is { } one
                ? _queues.TryGetValue(one, out var queue) ? [queue.Tail] : []
                : _queues.Values.Select(q => q.Tail).ToArray();
        }

        return tails.Length == 0 ? Task.CompletedTask : Task.WhenAll(tails).WaitAsync(ct);
    }

    /// <summary>Stops accepting work and waits for everything queued.</summary>
    public Task DrainAsync()
    {
        lock (_gate)
        {
            _closed = true;
        }

        return FlushAsync(null, CancellationToken.None);
    }

    private async Task RunAfterAsync(Task previous, MemoryScope scope, SessionQueue queue, List<MemoryWork> batch,
        Func<IReadOnlyList<MemoryWork>, CancellationToken, Task> process)
    {
        await previous.ConfigureAwait(false);
        await _slots.WaitAsync().ConfigureAwait(false);
        try
        {
            lock (_gate)
            {
                // From here on, new work for the session starts the next batch.
                queue.Waiting = null;
            }

            await process(batch, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            MemoryLog.BackgroundFailed(logger, ex, scope.SessionId);
        }
        finally
        {
            _slots.Release();
            lock (_gate)
            {
                if (--queue.Outstanding == 0)
                {
                    _queues.Remove(scope);
                }
            }
        }
    }

    /// <summary>One session's chain: the last batch started, the batch still open to coalescing, how many batches are unfinished.</summary>
    private sealed class SessionQueue
    {
        public Task Tail { get; set; } = Task.CompletedTask;

        public List<MemoryWork>? Waiting { get; set; }

        public int Outstanding { get; set; }
    }
}
