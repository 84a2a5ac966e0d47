using Microsoft.Extensions.AI;

namespace Upsonic.Storage;

/// <summary>
/// One stored message of a session with its place in the session's layout: what
/// <see cref="IStorage.GetSessionMessagesPageAsync"/> reads and <see cref="IStorage.ImportSessionMessagesAsync"/> writes back.
/// </summary>
/// <param name="Sequence">The message's position in the session (1-based, unique in the session, never reused).</param>
/// <param name="Turn">The turn the message belongs to: the run's <see cref="RunRecord.Sequence"/> for messages saved by a run;
/// history windows (<see cref="IStorage.LoadSessionWindowAsync(SessionWindowRequest, CancellationToken)"/>) count turns.</param>
/// <param name="RunId">The run that saved the message, or <see langword="null"/> for history written through the record API.</param>
/// <param name="InHistory">Whether the message is part of the session's conversation history (<see cref="AgentSession.Messages"/>).</param>
/// <param name="Message">The message.</param>
public sealed record SessionMessageRow(long Sequence, long Turn, string? RunId, bool InHistory, ChatMessage Message);
