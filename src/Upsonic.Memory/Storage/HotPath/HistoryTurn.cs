using Microsoft.Extensions.AI;

namespace Upsonic.Storage;

/// <summary>The history messages of one turn (one run) of a session.</summary>
/// <param name="Turn">The turn number: the run's <see cref="RunRecord.Sequence"/> for messages saved by a run.</param>
/// <param name="RunId">The run that saved the messages, or <see langword="null"/> for messages written through the record API.</param>
/// <param name="Messages">The turn's messages, in the order they were saved.</param>
public sealed record HistoryTurn(long Turn, string? RunId, IReadOnlyList<ChatMessage> Messages)
{
    /// <summary>
    /// The token count of <see cref="Messages"/>: the sum of the estimates stored with each message when it was written (see
    /// <see cref="Backends.MessageTokens"/>); 0 when the storage does not keep counts.
    /// </summary>
    public long TokenCount { get; init; }
}
