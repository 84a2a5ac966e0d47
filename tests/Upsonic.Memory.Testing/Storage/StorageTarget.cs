using Upsonic.Storage;
using Xunit;

namespace Upsonic.Storage.Testing;

/// <summary>
/// What a backend's test project provides so the shared suites (storage contract, Memory acceptance) can run against it unchanged.
/// </summary>
/// <remarks>
/// A target for a server backend checks that its server is reachable: under <c>CI=true</c> a missing server fails the test
/// (throw); otherwise it skips with <c>Assert.Skip</c> and a message saying how to start the server.
/// </remarks>
public abstract class StorageTarget : IAsyncDisposable
{
    /// <summary>A short name for messages (for example "sqlite").</summary>
    public abstract string Name { get; }

    /// <summary>Creates a new, empty storage isolated from every other test (its own file, database, schema, table names or key prefix).</summary>
    public abstract Task<IStorage> CreateAsync();

    /// <summary>Opens a second, independent instance (own connections) over the same data as <paramref name="storage"/>, as another process would.</summary>
    public abstract Task<IStorage> OpenAnotherAsync(IStorage storage);

    /// <summary>Overwrites the stored form of message <paramref name="sequence"/> of a session with unreadable text, bypassing the storage API.</summary>
    public abstract Task CorruptMessageAsync(IStorage storage, string sessionId, long sequence);

    /// <summary>
    /// Overwrites the stored form of message <paramref name="sequence"/> of a session with <paramref name="storedJson"/>, bypassing
    /// the storage API (as a newer library version or another SDK would write it). The default skips the tests that need it.
    /// </summary>
    public virtual Task OverwriteMessageAsync(IStorage storage, string sessionId, long sequence, string storedJson)
    {
        Assert.Skip($"The {Name} target does not write raw messages: override StorageTarget.OverwriteMessageAsync to run this test.");
        throw new System.Diagnostics.UnreachableException();
    }

    /// <summary>
    /// The session, user-memory and knowledge table names a storage gets when none are given. A backend whose upstream default
    /// differs (the Python SDK's Redis storage uses "sessions" and "user_memories") overrides this.
    /// </summary>
    public virtual (string Sessions, string UserMemories, string Knowledge) DefaultTableNames =>
        (StorageNames.DefaultSessionTable, StorageNames.DefaultUserMemoryTable, StorageNames.DefaultKnowledgeTable);

    /// <summary>
    /// Creates a new, empty, isolated storage with the given table names and id (null = the backend's defaults), for the tests of
    /// names. Isolate it by other means (own file, database, schema or key prefix). The default skips the tests that need it.
    /// </summary>
    public virtual Task<IStorage> CreateNamedAsync(string? sessionTable, string? userMemoryTable, string? knowledgeTable, string? id)
    {
        Assert.Skip($"The {Name} target does not create storages with chosen names: override StorageTarget.CreateNamedAsync to run this test.");
        throw new System.Diagnostics.UnreachableException();
    }

    /// <summary>
    /// Overwrites the stored profile map of user <paramref name="userId"/> with the text <paramref name="storedProfileJson"/>
    /// (for example with a duplicate key), bypassing the storage API. The default skips the tests that need it (an engine that
    /// normalises JSON on write, such as JSONB, cannot hold such text).
    /// </summary>
    public virtual Task OverwriteProfileAsync(IStorage storage, string userId, string storedProfileJson)
    {
        Assert.Skip($"The {Name} target cannot store a raw profile: override StorageTarget.OverwriteProfileAsync to run this test.");
        throw new System.Diagnostics.UnreachableException();
    }

    /// <summary>Deletes the stored row of message <paramref name="sequence"/> of a session, bypassing the storage API (a lost row). The default skips the tests that need it.</summary>
    public virtual Task DeleteMessageRowAsync(IStorage storage, string sessionId, long sequence)
    {
        Assert.Skip($"The {Name} target cannot delete a raw message row: override StorageTarget.DeleteMessageRowAsync to run this test.");
        throw new System.Diagnostics.UnreachableException();
    }

    /// <summary>Overwrites the stored updated-at time of session <paramref name="sessionId"/>'s head with a raw Unix-millisecond value, bypassing the storage API.</summary>
    public virtual Task OverwriteSessionUpdatedAtAsync(IStorage storage, string sessionId, long unixMilliseconds)
    {
        Assert.Skip($"The {Name} target cannot store a raw timestamp: override StorageTarget.OverwriteSessionUpdatedAtAsync to run this test.");
        throw new System.Diagnostics.UnreachableException();
    }

    /// <summary>
    /// Opens a storage over the same location as <paramref name="storage"/> (same file, schema, database or key prefix) but with
    /// other table names, as a second application sharing the location would. The default skips the tests that need it.
    /// </summary>
    public virtual Task<IStorage> OpenWithOtherTablesAsync(IStorage storage, string sessionTable, string userMemoryTable, string knowledgeTable)
    {
        Assert.Skip($"The {Name} target does not share a location between table names: override StorageTarget.OpenWithOtherTablesAsync to run this test.");
        throw new System.Diagnostics.UnreachableException();
    }

    /// <summary>
    /// The names of the constructor parameters that take the session, user-memory and knowledge table names, as bad-input tests
    /// expect them in <see cref="ArgumentException.ParamName"/>. A backend whose engine calls them otherwise (MongoDB's collections)
    /// overrides this.
    /// </summary>
    public virtual (string Session, string UserMemory, string Knowledge) TableParameterNames =>
        ("sessionTable", "userMemoryTable", "knowledgeTable");

    /// <summary>
    /// Called first by a shared test that relies on <paramref name="feature"/> of the engine. A target whose server is a
    /// wire-compatible stand-in lacking it skips the test (<c>Assert.Skip</c>) naming what is missing; a real engine has every
    /// feature, so the default does nothing.
    /// </summary>
    /// <param name="feature">What the test relies on.</param>
    public virtual void RequireEngineFeature(EngineFeature feature)
    {
    }

    /// <summary>
    /// Whether stored JSON maps (metadata, profiles) keep their key order. PostgreSQL's JSONB does not (it orders keys by length,
    /// then bytes), so suites compare such maps by content, and formatted blocks by their set of lines, on such targets.
    /// </summary>
    public virtual bool PreservesKeyOrder => true;

    /// <summary>
    /// Whether the storage answers a window read with a mark incrementally (<see cref="SessionWindow.IsIncremental"/>); a backend
    /// that keeps <see cref="Backends.StorageBase"/>'s default window read answers with full windows and sets this to false.
    /// </summary>
    public virtual bool ServesIncrementalWindows => true;

    /// <summary>Releases what the target created (files, schemas, key prefixes).</summary>
    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
