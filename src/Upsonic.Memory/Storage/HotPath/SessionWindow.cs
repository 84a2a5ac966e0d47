namespace Upsonic.Storage;

/// <summary>What a run needs from its session: the head and the most recent turns of history, read in one round trip.</summary>
/// <param name="Session">
/// The session head: ids, summary, watermark, metadata, usage and timestamps. Its <see cref="AgentSession.Messages"/> and
/// <see cref="AgentSession.Runs"/> are empty; the history is in <paramref name="Turns"/>.
/// </param>
/// <param name="Turns">The requested turns of history, oldest first.</param>
public sealed record SessionWindow(AgentSession Session, IReadOnlyList<HistoryTurn> Turns)
{
    /// <summary>
    /// Where this read stood in the session's history, to pass as <see cref="SessionWindowRequest.Since"/> next time; <see langword="null"/>
    /// when the storage does not serve incremental reads.
    /// </summary>
    public SessionWindowMark? Mark { get; init; }

    /// <summary>
    /// Whether <see cref="Turns"/> holds only the history messages stored after the request's <see cref="SessionWindowRequest.Since"/>
    /// (each turn with only its new messages and their token counts), for the caller to merge into the window it holds. A turn may
    /// then be one the caller already holds: a paused run that completed later adds messages to its own, older turn.
    /// </summary>
    public bool IsIncremental { get; init; }
}
