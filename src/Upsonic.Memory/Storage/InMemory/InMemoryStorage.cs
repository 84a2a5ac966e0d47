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
    /// <param name="expire">Seconds after its last write when a session or user memory expires; null (default) = never. Expired
    /// records are never returned and are deleted by a bounded sweep on writes (docs/storage.md, "Retention").</param>
    /// <param name="timeProvider">The clock for stored times and expiry; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentException">A table name is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="expire"/> is not positive.</exception>
    public InMemoryStorage(string? sessionTable = null, string? userMemoryTable = null, string? knowledgeTable = null, string? id = null,
        int? expire = null, TimeProvider? timeProvider = null)
        : base(sessionTable, userMemoryTable, knowledgeTable, id, expire, timeProvider)
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

    /// <summary>Deletes expired sessions and user memories (see <see cref="StorageBase.DeleteExpiredCoreAsync"/>).</summary>
    protected override Task DeleteExpiredCoreAsync(ExpirySweep sweep, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            foreach (var id in Expired(_sessions, sweep.SessionIds, sweep.Limit, s => s.Head.UpdatedAt, sweep))
            {
                _sessions.Remove(id);
            }

            foreach (var id in Expired(_userMemories, sweep.UserIds, sweep.Limit, m => m.UpdatedAt, sweep))
            {
                _userMemories.Remove(id);
            }
        }

        return Task.CompletedTask;
    }

    private static List<string> Expired<T>(Dictionary<string, T> records, IReadOnlyList<string>? ids, int limit, Func<T, DateTimeOffset?> updatedAt, ExpirySweep sweep) =>
        ids is null
            ? [.. records.Where(r => sweep.Covers(updatedAt(r.Value))).Take(limit).Select(r => r.Key)]
            : [.. ids.Where(id => records.TryGetValue(id, out var r) && sweep.Covers(updatedAt(r)))];

    /// <summary>A session that exists and has not expired.</summary>
    private bool TryGetLive(string sessionId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out InMemorySession? state) =>
        _sessions.TryGetValue(sessionId, out state) && !IsExpired(state.Head.UpdatedAt);

    /// <summary>Everything the storage holds, one text per record (sessions as their whole form, messages as stored JSON), for
    /// tests that check nothing of a user is left (the raw contents, as a raw engine scan would see them).</summary>
    internal IReadOnlyList<string> RawContents()
    {
        lock (_gate)
        {
            return
            [
                .. _sessions.Values.Select(s => System.Text.Json.JsonSerializer.Serialize(s.Head, StorageJson.Options)),
                .. _sessions.Values.SelectMany(s => s.Runs.Values.Select(r => System.Text.Json.JsonSerializer.Serialize(r.Record, StorageJson.Options))),
                .. _sessions.Values.SelectMany(s => s.Messages.Select(m => m.UnreadableJson ?? StorageJson.SerializeMessage(m.Message!))),
                .. _userMemories.Values.Select(m => m.UserId + " " + m.Profile.ToJsonString()),
            ];
        }
    }

    /// <summary>Replaces the stored text of a message, for tests of corrupt-data handling.</summary>
    internal void OverwriteStoredMessage(string sessionId, long sequence, string json)
    {
        lock (_gate)
        {
            _sessions[sessionId].Overwrite(sequence, json);
        }
    }

    /// <summary>Deletes the stored row of a message, for tests of a lost row.</summary>
    internal void DeleteStoredMessage(string sessionId, long sequence)
    {
        lock (_gate)
        {
            _sessions[sessionId].Remove(sequence);
        }
    }
}
