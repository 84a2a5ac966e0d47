using Upsonic.Storage;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.ExampleBackend.Tests;

/// <summary>How the shared suites create, reopen and corrupt <see cref="NotebookStorage"/>s (the only code a backend's test project needs besides one line).</summary>
public sealed class NotebookTarget : StorageTarget
{
    /// <inheritdoc />
    public override bool ServesIncrementalWindows => false;

    public override string Name => "notebook";

    public override Task<IStorage> CreateAsync() => Task.FromResult<IStorage>(new NotebookStorage());

    public override Task<IStorage> CreateNamedAsync(string? sessionTable, string? userMemoryTable, string? knowledgeTable, string? id) =>
        Task.FromResult<IStorage>(new NotebookStorage(sessionTable, userMemoryTable, knowledgeTable, id));

    public override Task<IStorage> CreateExpiringAsync(int? expire, TimeProvider timeProvider) =>
        Task.FromResult<IStorage>(new NotebookStorage(expire: expire, timeProvider: timeProvider));

    public override Task<IReadOnlyList<string>> ReadRawContentsAsync(IStorage storage) =>
        Task.FromResult(((NotebookStorage)storage).RawContents());

    // A notebook lives in one process: "another instance over the same data" is the same object.
    public override Task<IStorage> OpenAnotherAsync(IStorage storage) => Task.FromResult(storage);

    public override Task CorruptMessageAsync(IStorage storage, string sessionId, long sequence)
    {
        ((NotebookStorage)storage).Corrupt(sessionId, sequence);
        return Task.CompletedTask;
    }
}
