using System.Collections.Concurrent;

namespace Upsonic.Storage;

/// <summary>
/// The history windows the memories of one runtime (one <see cref="Memory"/>, or every memory of a <see cref="MemoryFactory"/>)
/// served last, by session, so the next prepare of a session asks storage only for what is newer
/// (<see cref="SessionWindowRequest.Since"/>) instead of reading and parsing the whole window again.
/// </summary>
/// <remarks>
/// <para>Safe for concurrent prepares: an entry is immutable and replaced whole, and its messages are never handed out (callers
/// get copies), so nothing a caller does changes what is held. Two prepares that race each publish a window that was true when
/// it was read; the one with the later mark wins, and either way the next read asks storage for what is newer than it.</para>
/// <para>Bounded: at most <see cref="Capacity"/> sessions are held; past that an entry is dropped and its session's next prepare reads
/// the full window. A window held for a session that was deleted is dropped by the next prepare, which finds no session.</para>
/// </remarks>
internal sealed class HeldWindows
{
    /// <summary>The most sessions whose windows are held.</summary>
    public const int Capacity = 1_024;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>A served window: its mark, the limits it was selected with, and its turns (oldest first).</summary>
    internal sealed record Entry(SessionWindowMark Mark, int? HistoryTurns, int? TokenBudget, IReadOnlyList<HistoryTurn> Turns);

    /// <summary>The window held for a session, when it was selected with the same limits.</summary>
    public Entry? Get(string sessionId, int? historyTurns, int? tokenBudget) =>
        _entries.TryGetValue(sessionId, out var entry) && entry.HistoryTurns == historyTurns && entry.TokenBudget == tokenBudget ? entry : null;

    /// <summary>Holds <paramref name="next"/> for the session, unless a window read later is already held.</summary>
    public void Hold(string sessionId, Entry next)
    {
        _entries.AddOrUpdate(sessionId, next, (_, current) =>
            current.Mark.Epoch == next.Mark.Epoch && current.Mark.MessageSequence > next.Mark.MessageSequence
            && current.HistoryTurns == next.HistoryTurns && current.TokenBudget == next.TokenBudget ? current : next);
        if (_entries.Count > Capacity)
        {
            foreach (var key in _entries.Keys)
            {
                if (!string.Equals(key, sessionId, StringComparison.Ordinal) && _entries.TryRemove(key, out _))
                {
                    break;
                }
            }
        }
    }

    /// <summary>Drops what is held for a session (it no longer exists, or its window could not be read).</summary>
    public void Drop(string sessionId) => _entries.TryRemove(sessionId, out _);

    /// <summary>
    /// The window after an incremental read: the held turns with the new messages added (to their own turn when it is held, a
    /// paused run that completed later; as new turns otherwise), then the same selection storage applies (the newest whole turns
    /// within the count and the budget). Exact, because a turn only ever gains messages and selection only moves forward.
    /// </summary>
    public static IReadOnlyList<HistoryTurn> Merge(IReadOnlyList<HistoryTurn> held, IReadOnlyList<HistoryTurn> newer, int? historyTurns, int? tokenBudget)
    {
        if (newer.Count == 0)
        {
            return held;
        }

        if (held.Count == 0 || newer[0].Turn > held[^1].Turn)
        {
            // The usual case: only turns after the held ones.
            var appended = new HistoryTurn[held.Count + newer.Count];
            for (var i = 0; i < held.Count; i++)
            {
                appended[i] = held[i];
            }

            for (var i = 0; i < newer.Count; i++)
            {
                appended[held.Count + i] = newer[i];
            }

            return Backends.WindowSelection.Newest(appended, historyTurns, tokenBudget);
        }

        var merged = new SortedList<long, HistoryTurn>(held.Count + newer.Count);
        foreach (var turn in held)
        {
            merged[turn.Turn] = turn;
        }

        foreach (var turn in newer)
        {
            merged[turn.Turn] = merged.TryGetValue(turn.Turn, out var old)
                ? new HistoryTurn(old.Turn, old.RunId ?? turn.RunId, [.. old.Messages, .. turn.Messages]) { TokenCount = old.TokenCount + turn.TokenCount }
                : turn;
        }

        return Backends.WindowSelection.Newest([.. merged.Values], historyTurns, tokenBudget);
    }
}
