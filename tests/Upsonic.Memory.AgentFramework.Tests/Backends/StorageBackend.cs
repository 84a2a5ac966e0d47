using Upsonic.Storage;

namespace Upsonic.Memory.AgentFramework.Tests.Backends;

/// <summary>A storage engine the provider tests run on; one instance per test, cleaned up afterwards.</summary>
public abstract class StorageBackend : IAsyncDisposable
{
    /// <summary>A new, empty storage.</summary>
    public abstract IStorage Create();

    /// <inheritdoc />
    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
