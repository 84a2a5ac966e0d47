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

    public override Task OverwriteMessageAsync(IStorage storage, string sessionId, long sequence, string storedJson)
    {
        ((InMemoryStorage)storage).OverwriteStoredMessage(sessionId, sequence, storedJson);
        return Task.CompletedTask;
    }
}
