using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Mem0.Tests.Contract;

// The shared storage contract, run unchanged against Mem0Storage over the local platform API (one class per contract area).

/// <summary>The session record API contract on the Mem0 platform API.</summary>
public sealed class Mem0SessionRecordContract : SessionRecordContract<Mem0Target>;

/// <summary>The session listing contract on the Mem0 platform API.</summary>
public sealed class Mem0SessionListingContract : SessionListingContract<Mem0Target>;

/// <summary>The user-memory contract on the Mem0 platform API.</summary>
public sealed class Mem0UserMemoryContract : UserMemoryContract<Mem0Target>;

/// <summary>The knowledge registry contract on the Mem0 platform API.</summary>
public sealed class Mem0KnowledgeContract : KnowledgeContract<Mem0Target>;

/// <summary>The bad-input contract on the Mem0 platform API.</summary>
public sealed class Mem0BadInputContract : BadInputContract<Mem0Target>;

/// <summary>The hot-path contract on the Mem0 platform API.</summary>
public sealed class Mem0HotPathContract : HotPathContract<Mem0Target>;

/// <summary>The lifecycle contract on the Mem0 platform API.</summary>
public sealed class Mem0LifecycleContract : LifecycleContract<Mem0Target>;

/// <summary>The corrupt-data contract on the Mem0 platform API.</summary>
public sealed class Mem0CorruptDataContract : CorruptDataContract<Mem0Target>;

/// <summary>The concurrency contract on the Mem0 platform API (instances of one process; see Mem0Storage's remarks).</summary>
public sealed class Mem0ConcurrencyContract : ConcurrencyContract<Mem0Target>;

/// <summary>The session record API contract on the self-hosted Mem0 server API.</summary>
public sealed class Mem0SelfHostedSessionRecordContract : SessionRecordContract<Mem0SelfHostedTarget>;

/// <summary>The hot-path contract on the self-hosted Mem0 server API.</summary>
public sealed class Mem0SelfHostedHotPathContract : HotPathContract<Mem0SelfHostedTarget>;

/// <summary>The user-memory contract on the self-hosted Mem0 server API.</summary>
public sealed class Mem0SelfHostedUserMemoryContract : UserMemoryContract<Mem0SelfHostedTarget>;
