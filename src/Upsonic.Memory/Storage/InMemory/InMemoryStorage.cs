using System.Text.Json.Nodes;
using Upsonic.Storage.Serialization;

namespace Upsonic.Storage;

/// <summary>
/// A thread-safe, process-local <see cref="IStorage"/>: the reference backend for tests and prototypes.
/// </summary>
/// <remarks>
/// It follows the same rules as every other backend and passes the same contract suite. Every write stores a copy and every
/// read returns a copy, so callers never share mutable state with it. Disposing it does not erase data (call
/// <see cref="ClearAllAsync"/> for that). Data lives only as long as the instance.
/// </remarks>
public sealed partial class InMemoryStorage : IStorage, IDisposable
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
    {
        SessionTable = StorageNames.Validate(sessionTable, StorageNames.DefaultSessionTable, nameof(sessionTable));
        UserMemoryTable = StorageNames.Validate(userMemoryTable, StorageNames.DefaultUserMemoryTable, nameof(userMemoryTable));
        KnowledgeTable = StorageNames.Validate(knowledgeTable, StorageNames.DefaultKnowledgeTable, nameof(knowledgeTable));
        Id = string.IsNullOrEmpty(id) ? Guid.NewGuid().ToString() : id;
    }

    /// <inheritdoc />
    public string Id { get; }

    /// <inheritdoc />
    public string SessionTable { get; }

    /// <inheritdoc />
    public string UserMemoryTable { get; }

    /// <inheritdoc />
    public string KnowledgeTable { get; }

    /// <summary>How many sessions are stored.</summary>
    public int SessionCount { get { lock (_gate) { return _sessions.Count; } } }

    /// <summary>How many user profiles are stored.</summary>
    public int UserMemoryCount { get { lock (_gate) { return _userMemories.Count; } } }

    /// <inheritdoc />
    public Task<bool> TableExistsAsync(string tableName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tableName);
        return Task.FromResult(true);
    }

    /// <inheritdoc />
    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc />
    public Task ClearAllAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _sessions.Clear();
            _userMemories.Clear();
            _knowledge.Clear();
        }

        return Task.CompletedTask;
    }

    /// <summary>Releases nothing and keeps the data: an in-memory storage lives as long as the instance.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Sync twin of <see cref="DisposeAsync"/>: releases nothing and keeps the data.</summary>
    public void Dispose()
    {
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
