using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Mem0.Tests.Contract;

// The shared storage contract against the real Mem0 platform; each test skips unless MEM0_API_KEY is set.

/// <summary>The session record API contract on the live Mem0 platform.</summary>
public sealed class Mem0LiveSessionRecordContract : SessionRecordContract<Mem0LiveTarget>;

/// <summary>The session listing contract on the live Mem0 platform.</summary>
public sealed class Mem0LiveSessionListingContract : SessionListingContract<Mem0LiveTarget>;

/// <summary>The user-memory contract on the live Mem0 platform.</summary>
public sealed class Mem0LiveUserMemoryContract : UserMemoryContract<Mem0LiveTarget>;

/// <summary>The knowledge registry contract on the live Mem0 platform.</summary>
public sealed class Mem0LiveKnowledgeContract : KnowledgeContract<Mem0LiveTarget>;

/// <summary>The bad-input contract on the live Mem0 platform.</summary>
public sealed class Mem0LiveBadInputContract : BadInputContract<Mem0LiveTarget>;

/// <summary>The hot-path contract on the live Mem0 platform.</summary>
public sealed class Mem0LiveHotPathContract : HotPathContract<Mem0LiveTarget>;

/// <summary>The lifecycle contract on the live Mem0 platform.</summary>
public sealed class Mem0LiveLifecycleContract : LifecycleContract<Mem0LiveTarget>;

/// <summary>The corrupt-data contract on the live Mem0 platform.</summary>
public sealed class Mem0LiveCorruptDataContract : CorruptDataContract<Mem0LiveTarget>;

/// <summary>The concurrency contract on the live Mem0 platform.</summary>
public sealed class Mem0LiveConcurrencyContract : ConcurrencyContract<Mem0LiveTarget>;
