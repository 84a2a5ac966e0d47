namespace Upsonic.Storage;

/// <summary>What a window read asks for: which turns of history, and what the caller already holds.</summary>
/// <remarks>
/// <para>The history is the most recent whole turns that meet both limits: at most <see cref="HistoryTurns"/> turns, and at most
/// <see cref="HistoryTokenBudget"/> tokens counted with the estimate stored with each message at write time (see
/// <see cref="Backends.MessageTokens"/>). Turns are taken newest first and the selection stops at the first turn that does not fit,
/// so a turn is never split and the history never skips a turn: a tool call and its result stay together.</para>
/// <para>With <see cref="Since"/>, a storage that can may answer with only the history messages stored after that mark
/// (<see cref="SessionWindow.IsIncremental"/>), after checking against the session head, in the same round trip, that nothing
/// else changed: when the session was rewritten through the record API, deleted or recreated since, the answer is the full window.</para>
/// </remarks>
public sealed record SessionWindowRequest
{
    /// <summary>The session. Required.</summary>
    public required string SessionId { get; init; }

    /// <summary><see langword="null"/>: no limit by count; 0: no history (head only); N: at most the last N turns that have history messages.</summary>
    public int? HistoryTurns { get; init; }

    /// <summary><see langword="null"/>: no limit by tokens; N: the most recent whole turns whose stored token counts add up to at most N (0: no history).</summary>
    public int? HistoryTokenBudget { get; init; }

    /// <summary>The <see cref="SessionWindow.Mark"/> of the window the caller holds, or <see langword="null"/> to read the full window.</summary>
    public SessionWindowMark? Since { get; init; }
}
