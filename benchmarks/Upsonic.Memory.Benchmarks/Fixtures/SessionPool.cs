namespace Upsonic.Benchmarks.Fixtures;

/// <summary>
/// Every measured turn appends a turn, so a session measured "at N stored turns" grows while it is measured. The benchmarks
/// spread their turns round-robin over a pool of identical sessions so that none grows by more than about 10% of N, except at
/// N = 10 where the cap of 128 sessions allows about +5 turns (the 10-turn window read is the same either way).
/// docs/benchmarks.md reports the pool sizes.
/// </summary>
public sealed class SessionPool<T>
{
    private readonly T[] _items;
    private int _next = -1;

    /// <summary>Wraps the pooled items.</summary>
    public SessionPool(IReadOnlyList<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        _items = [.. items];
    }

    /// <summary>All pooled items.</summary>
    public IReadOnlyList<T> Items => _items;

    /// <summary>The next item, round-robin.</summary>
    public T Next() => _items[(int)((uint)Interlocked.Increment(ref _next) % (uint)_items.Length)];

    /// <summary>
    /// How many sessions of <paramref name="storedTurns"/> turns are needed so that <paramref name="turnsPerCase"/> measured turns
    /// grow none of them by more than 10% (between 1 and 128).
    /// </summary>
    public static int SizeFor(int storedTurns, int turnsPerCase) =>
        Math.Clamp((int)Math.Ceiling(turnsPerCase / Math.Max(1.0, storedTurns * 0.1)), 1, 128);
}
