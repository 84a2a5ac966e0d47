namespace Upsonic.Storage;

/// <summary>What a run needs from its session: the head and the most recent turns of history, read in one round trip.</summary>
/// <param name="Session">
/// The session head: ids, summary, watermark, metadata, usage and timestamps. Its <see cref="AgentSession.Messages"/> and
/// <see cref="AgentSession.Runs"/> are empty; the history is in <paramref name="Turns"/>.
/// </param>
/// <param name="Turns">The requested turns of history, oldest first.</param>
public sealed record SessionWindow(AgentSession Session, IReadOnlyList<HistoryTurn> Turns);
