using Upsonic.Storage;
using Xunit;

namespace Upsonic.Storage.Testing;

/// <summary>
/// The base of every storage contract class: a new <typeparamref name="TTarget"/> per test, storages created through it, and
/// everything disposed after the test (storages first, then the target, which removes what it created).
/// </summary>
/// <typeparam name="TTarget">The backend's target.</typeparam>
public abstract class StorageContract<TTarget> : IAsyncLifetime
    where TTarget : StorageTarget, new()
{
    private readonly List<IStorage> _opened = [];
    private readonly HashSet<IStorage> _disposed = new(ReferenceEqualityComparer.Instance);

    /// <summary>The target of the current test.</summary>
    protected TTarget Target { get; private set; } = null!;

    /// <summary>The current test's cancellation token.</summary>
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <inheritdoc />
    public virtual ValueTask InitializeAsync()
    {
        Target = new TTarget();
        return ValueTask.CompletedTask;
    }

    /// <summary>A fresh, empty storage isolated from every other test.</summary>
    protected async Task<IStorage> CreateAsync() => Track(await Target.CreateAsync());

    /// <summary>A fresh storage with chosen table names and id (null = defaults).</summary>
    protected async Task<IStorage> CreateNamedAsync(string? sessionTable, string? userMemoryTable, string? knowledgeTable, string? id) =>
        Track(await Target.CreateNamedAsync(sessionTable, userMemoryTable, knowledgeTable, id));

    /// <summary>A fresh storage whose records expire after <paramref name="expire"/> seconds (null = never) by <paramref name="timeProvider"/>'s clock.</summary>
    protected async Task<IStorage> CreateExpiringAsync(int? expire, TimeProvider timeProvider) => Track(await Target.CreateExpiringAsync(expire, timeProvider));

    /// <summary>A second instance over the same data, as another process would open it.</summary>
    protected async Task<IStorage> OpenAnotherAsync(IStorage storage) => Track(await Target.OpenAnotherAsync(storage));

    /// <summary>A storage over the same location as <paramref name="storage"/> with other table names.</summary>
    protected async Task<IStorage> OpenWithOtherTablesAsync(IStorage storage, string sessionTable, string userMemoryTable, string knowledgeTable) =>
        Track(await Target.OpenWithOtherTablesAsync(storage, sessionTable, userMemoryTable, knowledgeTable));

    /// <summary>Disposes a storage now (and not again after the test).</summary>
    protected async Task DisposeStorageAsync(IStorage storage)
    {
        if (_disposed.Add(storage))
        {
            await storage.DisposeAsync();
        }
    }

    private IStorage Track(IStorage storage)
    {
        _opened.Add(storage);
        return storage;
    }

    /// <inheritdoc />
    public virtual async ValueTask DisposeAsync()
    {
        try
        {
            for (var i = _opened.Count - 1; i >= 0; i--)
            {
                await DisposeStorageAsync(_opened[i]);
            }
        }
        finally
        {
            // The target removes what it created (files, schemas, key prefixes) even when a storage failed to dispose.
            if (Target is not null)
            {
                await Target.DisposeAsync();
            }

            GC.SuppressFinalize(this);
        }
    }
}
