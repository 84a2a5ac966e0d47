using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Json.Tests;

/// <summary>Every shared suite (the storage contract and the Memory acceptance suites), run unchanged against JsonStorage.</summary>
public sealed class JsonStorageTests : StorageContractTests<JsonTarget>;
