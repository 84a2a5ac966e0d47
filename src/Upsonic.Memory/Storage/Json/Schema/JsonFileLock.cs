namespace Upsonic.Storage;

/// <summary>
/// The lock of a <see cref="JsonStorage"/> directory: a semaphore for this instance's callers, then an exclusive lock on a lock
/// file for every process (a <see cref="FileStream"/> opened with <see cref="FileShare.None"/>, which .NET implements with
/// <c>flock</c> on Unix and a sharing lock on Windows). The operating system releases it when the holding process dies, so a
/// crashed writer never blocks the others.
/// </summary>
internal sealed class JsonFileLock(string path, TimeSpan timeout)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMilliseconds(20);

    private readonly SemaphoreSlim _local = new(1, 1);

    /// <summary>Waits for the lock (at most the timeout); dispose the result to release it.</summary>
    public async Task<IDisposable> AcquireAsync(CancellationToken cancellationToken)
    {
        if (!await _local.WaitAsync(timeout, cancellationToken).ConfigureAwait(false))
        {
            throw TimedOut(null);
        }

        try
        {
            return new Held(await OpenExclusiveAsync(cancellationToken).ConfigureAwait(false), _local);
        }
        catch
        {
            _local.Release();
            throw;
        }
    }

    private async Task<FileStream> OpenExclusiveAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        var backoff = TimeSpan.FromMilliseconds(1);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (DirectoryNotFoundException)
            {
                throw;
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                // Held by another process (or another instance of this one): wait a little and try again.
                await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
            catch (IOException ex)
            {
                throw TimedOut(ex);
            }
        }
    }

    private StorageException TimedOut(Exception? inner) =>
        new($"Timed out after {timeout.TotalSeconds:0} s waiting for the lock '{path}' (held by another process or instance).", inner, null, null);

    private sealed class Held(FileStream file, SemaphoreSlim local) : IDisposable
    {
        public void Dispose()
        {
            file.Dispose();
            local.Release();
        }
    }
}
