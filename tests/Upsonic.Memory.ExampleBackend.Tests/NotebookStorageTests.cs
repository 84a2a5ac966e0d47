using Upsonic.Storage.Testing;

namespace Upsonic.Memory.ExampleBackend.Tests;

/// <summary>Every shared suite (the storage contract and the Memory acceptance suites), run against the example backend.</summary>
public sealed class NotebookStorageTests : StorageContractTests<NotebookTarget>;
