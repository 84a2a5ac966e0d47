namespace Upsonic.Benchmarks.Baselines;

/// <summary>
/// The raw-driver floor of one turn on one engine, in its own minimal tables / keys next to the library's: ONE read of the
/// session head and the last 10 turns' messages by index, and ONE write of the turn's 2 messages, a run record and the head.
/// It keeps each session's last turn and message numbers in process memory (one writer per session), so it does no usage,
/// metadata, resumable-run or conflict work: the floor, not a usable store.
/// </summary>
public interface IRawTurns : IAsyncDisposable
{
    /// <summary>Creates the tables (idempotent).</summary>
    Task CreateAsync();

    /// <summary>Writes a session of <paramref name="turns"/> turns (seeding, not measured) and returns its counters.</summary>
    Task<RawSession> SeedAsync(string sessionId, int turns);

    /// <summary>One turn of <paramref name="session"/>: read the window, then write turn <paramref name="turn"/>. Returns the window size.</summary>
    Task<int> TurnAsync(RawSession session, long turn);

    /// <summary>Deletes the given sessions.</summary>
    Task DeleteAsync(IReadOnlyCollection<string> sessionIds);
}

/// <summary>What the raw baseline remembers about one session between turns.</summary>
public sealed class RawSession(string sessionId, long lastTurn, long lastSequence)
{
    /// <summary>The number of turns read per prepare.</summary>
    public const int HistoryTurns = 10;

    /// <summary>The session id.</summary>
    public string SessionId { get; } = sessionId;

    /// <summary>The last stored turn.</summary>
    public long LastTurn { get; set; } = lastTurn;

    /// <summary>The last stored message sequence.</summary>
    public long LastSequence { get; set; } = lastSequence;
}
