using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Upsonic.Storage;

/// <summary>
/// The background worker of one <see cref="Memory"/>: runs summary and profile work after <see cref="Memory.SaveRunAsync"/>
/// returns, one batch at a time in the order the runs were saved, coalescing the runs queued meanwhile into one batch.
/// </summary>
/// <remarks>A failure is logged as a warning and never reaches a caller. Flush markers complete after the batch they arrived with.</remarks>
internal sealed class MemoryWorker
{
    private readonly Channel<(MemoryWork? Work, TaskCompletionSource? Flushed)> _channel =
        Channel.CreateUnbounded<(MemoryWork?, TaskCompletionSource?)>(new UnboundedChannelOptions { SingleReader = true });

    private readonly Func<IReadOnlyList<MemoryWork>, CancellationToken, Task> _process;
    private readonly ILogger _logger;
    private readonly string _sessionId;
    private readonly Task _loop;

    public MemoryWorker(Func<IReadOnlyList<MemoryWork>, CancellationToken, Task> process, ILogger logger, string sessionId)
    {
        _process = process;
        _logger = logger;
        _sessionId = sessionId;
        _loop = Task.Run(LoopAsync);
    }

    public bool TryEnqueue(MemoryWork work) => _channel.Writer.TryWrite((work, null));

    /// <summary>Completes when everything queued before the call has been processed.</summary>
    public Task FlushAsync(CancellationToken ct)
    {
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _channel.Writer.TryWrite((null, flushed)) ? flushed.Task.WaitAsync(ct) : _loop.WaitAsync(ct);
    }

    /// <summary>Stops accepting work and waits for what is queued.</summary>
    public Task DrainAsync()
    {
        _channel.Writer.TryComplete();
        return _loop;
    }

    private async Task LoopAsync()
    {
        var reader = _channel.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var batch = new List<MemoryWork>();
            var flushes = new List<TaskCompletionSource>();
            while (reader.TryRead(out var item))
            {
                if (item.Work is not null)
                {
                    batch.Add(item.Work);
                }

                if (item.Flushed is not null)
                {
                    flushes.Add(item.Flushed);
                }
            }

            if (batch.Count > 0)
            {
                try
                {
                    await _process(batch, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    MemoryLog.BackgroundFailed(_logger, ex, _sessionId);
                }
            }

            foreach (var flushed in flushes)
            {
                flushed.TrySetResult();
            }
        }
    }
}
