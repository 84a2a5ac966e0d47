using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.AI;

namespace Upsonic.Storage.Backends;

/// <summary>One stored message row of the append-only layout: keyed by (session, sequence), tagged with its turn and run.</summary>
/// <param name="Sequence">The message's position in the session (1-based, never reused).</param>
/// <param name="Turn">The turn (run sequence) the message belongs to; history windows count turns.</param>
/// <param name="RunId">The run that stored it, or <see langword="null"/> for history written through the record API.</param>
/// <param name="InHistory">Whether the message is part of the session's conversation history.</param>
/// <param name="Message">The message.</param>
[Experimental(StorageBase.ExperimentalDiagnosticId)]
public sealed record MessageRow(long Sequence, long Turn, string? RunId, bool InHistory, ChatMessage Message)
{
    /// <summary>The token estimate stored with the message (<see cref="MessageTokens"/>); 0 when the backend keeps none.</summary>
    public int TokenCount { get; init; }
}
