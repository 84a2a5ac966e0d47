using System.Diagnostics.CodeAnalysis;

namespace Upsonic.Storage.Backends;

/// <summary>Which turns a window keeps: the one rule every backend (and <see cref="Memory"/>'s held window) applies.</summary>
[Experimental(StorageBase.ExperimentalDiagnosticId)]
public static class WindowSelection
{
    /// <summary>
    /// The most recent whole turns of <paramref name="turns"/> (oldest first) that meet both limits: at most
    /// <paramref name="maxTurns"/> turns and at most <paramref name="tokenBudget"/> tokens (<see cref="HistoryTurn.TokenCount"/>),
    /// taken newest first up to the first turn that does not fit.
    /// </summary>
    /// <param name="turns">Turns ordered by turn number.</param>
    /// <param name="maxTurns">The most turns, or <see langword="null"/> for no limit.</param>
    /// <param name="tokenBudget">The most tokens, or <see langword="null"/> for no limit.</param>
    /// <returns>A suffix of <paramref name="turns"/> (the list itself when nothing is cut).</returns>
    public static IReadOnlyList<HistoryTurn> Newest(IReadOnlyList<HistoryTurn> turns, int? maxTurns, int? tokenBudget)
    {
        ArgumentNullException.ThrowIfNull(turns);
        var first = maxTurns is { } n ? Math.Max(0, turns.Count - n) : 0;
        if (tokenBudget is { } budget)
        {
            long used = 0;
            var start = turns.Count;
            while (start > first && used + turns[start - 1].TokenCount <= budget)
            {
                used += turns[--start].TokenCount;
            }

            first = start;
        }

        if (first == 0)
        {
            return turns;
        }

        var kept = new HistoryTurn[turns.Count - first];
        for (var i = 0; i < kept.Length; i++)
        {
            kept[i] = turns[first + i];
        }

        return kept;
    }
}
