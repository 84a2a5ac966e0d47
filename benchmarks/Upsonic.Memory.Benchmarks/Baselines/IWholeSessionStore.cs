using Microsoft.Extensions.AI;

namespace Upsonic.Benchmarks.Baselines;

/// <summary>A "whole-session rewrite" store on one engine: one row per session holding all its messages as one JSON document.</summary>
public interface IWholeSessionStore : IAsyncDisposable
{
    /// <summary>Creates the table if needed.</summary>
    Task CreateAsync();

    /// <summary>Writes a session document (seeding, not measured).</summary>
    Task SeedAsync(string sessionId, string document);

    /// <summary>Reads and deserializes the whole session (what upstream's prepare does before taking the last turns).</summary>
    Task<List<ChatMessage>> ReadAsync(string sessionId);

    /// <summary>One turn: in one transaction, read the whole row, deserialize, append, serialize, write it back.</summary>
    Task TurnAsync(string sessionId, IEnumerable<ChatMessage> newMessages);

    /// <summary>Deletes the given sessions.</summary>
    Task DeleteAsync(IReadOnlyCollection<string> sessionIds);
}
