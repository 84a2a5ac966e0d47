namespace Upsonic.Storage.Mem0;

/// <summary>
/// Serializes the read-modify-write of one Mem0 record among every <see cref="Mem0Storage"/> of this process (keyed by server,
/// Mem0 user and record id; a fixed set of locks, so memory does not grow with the number of records).
/// </summary>
/// <remarks>Mem0 has no conditional write, so nothing can serialize writers in different processes: see the storage's remarks.</remarks>
internal static class Mem0WriteGate
{
    private static readonly SemaphoreSlim[] Stripes = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    public static async Task<T> RunAsync<T>(string key, Func<Task<T>> work, CancellationToken ct)
    {
        var gate = Stripes[(StringComparer.Ordinal.GetHashCode(key) & int.MaxValue) % Stripes.Length];
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await work().ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }
}
