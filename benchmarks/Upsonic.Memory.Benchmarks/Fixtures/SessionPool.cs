namespace Upsonic.Benchmarks.Fixtures;

/// <summary>
/// Every measured turn appends a turn, so a session measured "at N stored turns" grows while it is measured. The benchmarks
/// spread their turns round-robin over a pool of identical sessions so that none grows by more than about 20% of N, within a
/// cap on the pool (and on the turns seeded), above which sessions grow more; each case prints the stored turns per session
/// it ended with, and docs/benchmarks.md reports them.
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
    /// grow none of them by more than 20%: at least 1, at most <paramref name="maxSessions"/> and at most
    /// <paramref name="maxSeededTurns"/> / <paramref name="storedTurns"/>.
    /// </summary>
    public static int SizeFor(int storedTurns, int turnsPerCase, int maxSessions = 128, int maxSeededTurns = 100_000) =>
        Math.Clamp((int)Math.Ceiling(turnsPerCase / Math.Max(1.0, storedTurns * 0.2)), 1, Math.Max(1, Math.Min(maxSessions, maxSeededTurns / storedTurns)));

    /// <summary>The stored turns per session at the end of a case: the seeded turns plus the case's turns spread over the pool.</summary>
    public static string GrowthNote(int storedTurns, int sessions, long appendedTurns) =>
        $"{sessions} sessions of {storedTurns} turns, about {storedTurns + (appendedTurns / sessions)} turns each at the end";
}
