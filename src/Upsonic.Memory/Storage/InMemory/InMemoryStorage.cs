namespace Upsonic.Storage;

/// <summary>
/// A thread-safe, process-local <see cref="IStorage"/>: the reference backend for tests and prototypes.
/// </summary>
/// <remarks>
/// It follows the same rules as every other backend and passes the same contract suite. Every write stores a copy and every
/// read returns a copy, so callers never share mutable state with it. Disposing it does not erase data (call
/// <see cref="StorageBase.ClearAllAsync"/> for that). Data lives only as long as the instance.
/// </remarks>
public sealed partial class InMemoryStorage : StorageBase
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, InMemorySession> _sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UserMemory> _userMemories = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KnowledgeRow> _knowledge = new(StringComparer.Ordinal);

    /// <summary>Creates an empty in-memory storage.</summary>
    /// <param name="sessionTable">Session table name (kept for compatibility; validated).</param>
    /// <param name="userMemoryTable">User-memory table name (kept for compatibility; validated).</param>
    /// <param name="knowledgeTable">Knowledge table name (kept for compatibility; validated).</param>
    /// <param name="id">The storage id; a new GUID string when null or empty.</param>
    public InMemoryStorage(string? sessionTable = null, string? userMemoryTable = null, string? knowledgeTable = null, string? id = null)
        : base(sessionTable, userMemoryTable, knowledgeTable, id)
    {
    }

    /// <summary>How many sessions are stored.</summary>
    public int SessionCount { get { lock (_gate) { return _sessions.Count; } } }

    /// <summary>How many user profiles are stored.</summary>
    public int UserMemoryCount { get { lock (_gate) { return _userMemories.Count; } } }

    /// <inheritdoc />
    protected override Task ClearAllCoreAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _sessions.Clear();
            _userMemories.Clear();
            _knowledge.Clear();
        }

        return Task.CompletedTask;
    }

    /// <summary>Replaces the stored text of a message, for tests of corrupt-data handling.</summary>
    internal void OverwriteStoredMessage(string sessionId, long sequence, string json)
    {
        lock (_gate)
        {
            _sessions[sessionId].Overwrite(sequence, json);
        }
    }
}
