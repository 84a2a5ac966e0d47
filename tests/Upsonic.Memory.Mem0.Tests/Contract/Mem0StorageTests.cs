using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Mem0.Tests.Contract;

// Every shared suite (storage contract and Memory acceptance) against Mem0Storage, one line per deployment.

/// <summary>Every shared suite on the Mem0 platform API served on 127.0.0.1.</summary>
public sealed class Mem0StorageTests : StorageContractTests<Mem0Target>;

/// <summary>Every shared suite on the self-hosted Mem0 server API served on 127.0.0.1.</summary>
public sealed class Mem0SelfHostedStorageTests : StorageContractTests<Mem0SelfHostedTarget>;

/// <summary>Every shared suite on the live Mem0 platform; each test skips unless MEM0_API_KEY is set.</summary>
public sealed class Mem0LiveStorageTests : StorageContractTests<Mem0LiveTarget>;
