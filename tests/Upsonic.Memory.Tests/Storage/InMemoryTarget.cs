using Upsonic.Storage;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Tests.Storage;

/// <summary>Runs the shared suites against <see cref="InMemoryStorage"/>. A second "instance" is the same object: it is process-local.</summary>
public sealed class InMemoryTarget : StorageTarget
{
    public override string Name => "in-memory";

    public override Task<IStorage> CreateAsync() => Task.FromResult<IStorage>(new InMemoryStorage());

    public override Task<IStorage> CreateNamedAsync(string? sessionTable, string? userMemoryTable, string? knowledgeTable, string? id) =>
        Task.FromResult<IStorage>(new InMemoryStorage(sessionTable, userMemoryTable, knowledgeTable, id));

    public override Task<IStorage> CreateExpiringAsync(int? expire, TimeProvider timeProvider) =>
        Task.FromResult<IStorage>(new InMemoryStorage(expire: expire, timeProvider: timeProvider));

    public override Task<IReadOnlyList<string>> ReadRawContentsAsync(IStorage storage) =>
        Task.FromResult(((InMemoryStorage)storage).RawContents());

    public override Task<IStorage> OpenAnotherAsync(IStorage storage) => Task.FromResult(storage);

    public override Task CorruptMessageAsync(IStorage storage, string sessionId, long sequence) =>
        OverwriteMessageAsync(storage, sessionId, sequence, "{ not json");

    public override Task DeleteMessageRowAsync(IStorage storage, string sessionId, long sequence)
    {
        ((InMemoryStorage)storage).DeleteStoredMessage(sessionId, sequence);
        return Task.CompletedTask;
    }

    /// <summary>Heads are kept as typed records: a <see cref="DateTimeOffset"/> cannot hold a time outside the range of dates.</summary>
    public override Task OverwriteSessionUpdatedAtAsync(IStorage storage, string sessionId, long unixMilliseconds)
    {
        Xunit.Assert.Skip("InMemoryStorage keeps heads as typed records: its DateTimeOffset times cannot hold a raw out-of-range timestamp.");
        throw new System.Diagnostics.UnreachableException();
    }

    /// <summary>Profiles are kept as parsed <see cref="System.Text.Json.Nodes.JsonObject"/> maps, which cannot hold raw text.</summary>
    public override Task OverwriteProfileAsync(IStorage storage, string userId, string storedProfileJson)
    {
        Xunit.Assert.Skip("InMemoryStorage keeps profiles as parsed JSON maps: they cannot hold raw text such as a duplicate key or a non-object.");
        throw new System.Diagnostics.UnreachableException();
    }

    /// <summary>An in-memory storage has no location another instance could share: its data lives in the instance.</summary>
    public override Task<IStorage> OpenWithOtherTablesAsync(IStorage storage, string sessionTable, string userMemoryTable, string knowledgeTable)
    {
        Xunit.Assert.Skip("InMemoryStorage has no location to share: each instance holds its own data, whatever its table names.");
        throw new System.Diagnostics.UnreachableException();
    }

    public override Task OverwriteMessageAsync(IStorage storage, string sessionId, long sequence, string storedJson)
    {
        ((InMemoryStorage)storage).OverwriteStoredMessage(sessionId, sequence, storedJson);
        return Task.CompletedTask;
    }
}
