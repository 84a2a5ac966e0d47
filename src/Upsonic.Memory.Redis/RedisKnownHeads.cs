using System.Collections.Concurrent;

namespace Upsonic.Storage.Redis;

/// <summary>
/// The last head each session was seen with by this storage (read by a window load or written by an append), so the append that
/// follows a prepare can be planned without reading the head again and sent as one version-checked script.
/// </summary>
/// <remarks>
/// Only a guess: the write checks the head's version (and that the run is new), and a stale entry only costs the normal
/// read-then-write path. Bounded: past <see cref="Capacity"/> sessions the whole set is forgotten at once.
/// </remarks>
internal sealed class RedisKnownHeads
{
    /// <summary>How many sessions are remembered at most.</summary>
    public const int Capacity = 10_000;

    private readonly ConcurrentDictionary<string, KnownHead> _heads = new(StringComparer.Ordinal);

    /// <summary>A head as last seen: its counters (<see langword="null"/> when the session did not exist) and its version (0 then).</summary>
    public sealed record KnownHead(SessionCounters? Counters, long Version);

    public void Remember(string sessionId, SessionCounters? counters, long version)
    {
        if (_heads.Count >= Capacity && !_heads.ContainsKey(sessionId))
        {
            _heads.Clear();
        }

        _heads[sessionId] = new KnownHead(counters, version);
    }

    /// <summary>Takes the entry out: a failed guess is never tried twice, a successful append remembers the new head.</summary>
    public bool TryTake(string sessionId, out KnownHead known) => _heads.TryRemove(sessionId, out known!);
}
