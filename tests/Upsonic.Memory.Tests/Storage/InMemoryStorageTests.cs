using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Tests.Storage;

/// <summary>Every shared suite (the storage contract and the Memory acceptance suites), run unchanged against InMemoryStorage.</summary>
public sealed class InMemoryStorageTests : StorageContractTests<InMemoryTarget>;
