using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Upsonic.Storage.Backends;

// Listings that meet an unreadable record: the record is left out and reported (logged and counted), the others are returned.
public abstract partial class StorageBase
{
    private ILogger _logger = NullLogger.Instance;

    /// <summary>
    /// Where this storage logs: a warning for each stored record a listing or a page left out because it cannot be read (its id and
    /// the reason, never its content). Nothing is logged by default; <c>AddUpsonicMemory</c> sets it from the container's
    /// <see cref="ILoggerFactory"/> when it was left unset. Set it before the storage is used.
    /// </summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public ILogger Logger
    {
        get => _logger;
        set => _logger = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>
    /// Reads a listing through <paramref name="read"/> (limit, offset). A backend that can read each record on its own reports the
    /// unreadable ones in <see cref="PagedResult{T}.UnreadableRecords"/> itself. When the read fails on a record instead, this reads the same range again
    /// in halves (one record at a time when <paramref name="anyRange"/> is false, for listings paged by page number), so every
    /// readable record is returned and each unreadable one is reported once in <see cref="PagedResult{T}.UnreadableRecords"/>.
    /// <see cref="PagedResult{T}.Total"/> is the engine's count, which includes the unreadable records.
    /// </summary>
    private async Task<PagedResult<T>> ListReadableAsync<T>(string operation, int? limit, int offset, bool anyRange,
        Func<int?, int, CancellationToken, Task<PagedResult<T>>> read, CancellationToken cancellationToken)
    {
        try
        {
            var page = await read(limit, offset, cancellationToken).ConfigureAwait(false);
            ReportUnreadable(operation, page.UnreadableRecords);
            return page;
        }
        catch (StorageException ex) when (ex.IsCorruptData)
        {
            // Read again around the record below, outside the handler.
        }

        var total = (await read(0, 0, cancellationToken).ConfigureAwait(false)).Total;
        var end = limit is { } n ? Math.Min(total, (long)offset + n) : total;
        var items = new List<T>();
        var unreadable = new List<StorageException>();
        await SplitAsync(offset, (int)Math.Max(0, end - offset)).ConfigureAwait(false);
        ReportUnreadable(operation, unreadable);
        return new PagedResult<T>(items, total) { UnreadableRecords = unreadable };

        async Task SplitAsync(int from, int count)
        {
            if (count == 1)
            {
                await TryAsync(from, 1).ConfigureAwait(false);
                return;
            }

            var half = anyRange ? count / 2 : 1;
            for (var start = from; start < from + count; start += half)
            {
                await TryAsync(start, Math.Min(half, from + count - start)).ConfigureAwait(false);
            }
        }

        async Task TryAsync(int from, int count)
        {
            StorageException failure;
            try
            {
                var page = await read(count, from, cancellationToken).ConfigureAwait(false);
                items.AddRange(page.Items);
                unreadable.AddRange(page.UnreadableRecords);
                return;
            }
            catch (StorageException ex) when (ex.IsCorruptData)
            {
                failure = ex;
            }

            if (count == 1)
            {
                unreadable.Add(failure.Operation is null ? StorageException.CorruptData(failure.Message, failure.InnerException, operation, failure.RecordId) : failure);
            }
            else
            {
                await SplitAsync(from, count).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The one record a single-record read (limit 1) asked for: <see langword="null"/> when none matched, the unreadable record's
    /// <see cref="StorageException"/> when a backend reported it instead of returning it.</summary>
    private static T? Single<T>(PagedResult<T> page)
        where T : class =>
        page.Items.Count > 0 ? page.Items[0] : page.UnreadableRecords.Count > 0 ? throw page.UnreadableRecords[0] : null;

    /// <summary>Logs and counts each record an operation left out because it cannot be read.</summary>
    private void ReportUnreadable(string operation, IReadOnlyList<StorageException> unreadable)
    {
        foreach (var record in unreadable)
        {
            MemoryLog.UnreadableRecordSkipped(_logger, operation, record.RecordId, record.Message);
            MemoryTelemetry.UnreadableRecords.Add(1, new KeyValuePair<string, object?>(TelemetryNames.DbOperation, operation));
        }
    }

    /// <summary>Reports the unreadable records of a page (see <see cref="ReportUnreadable"/>) and returns it.</summary>
    private async Task<StorePage<T>> ReportedAsync<T>(string operation, Task<StorePage<T>> page)
    {
        var read = await page.ConfigureAwait(false);
        ReportUnreadable(operation, read.UnreadableRecords);
        return read;
    }
}
