using Upsonic.Storage;

namespace Upsonic.Memory.AgentFramework.Tests.Backends;

/// <summary>The provider tests on <see cref="InMemoryStorage"/>.</summary>
public sealed class InMemoryBackend : StorageBackend
{
    /// <inheritdoc />
    public override IStorage Create() => new InMemoryStorage();
}
