using Upsonic.Testing.Storage;

namespace Upsonic.Memory.Tests.Storage;

// The shared storage contract, run against InMemoryStorage: one class per behaviour area.

public sealed class InMemorySessionRecordTests : SessionRecordContract<InMemoryTarget>;

public sealed class InMemorySessionListingTests : SessionListingContract<InMemoryTarget>;

public sealed class InMemoryUserMemoryTests : UserMemoryContract<InMemoryTarget>;

public sealed class InMemoryKnowledgeTests : KnowledgeContract<InMemoryTarget>;

public sealed class InMemoryBadInputTests : BadInputContract<InMemoryTarget>;

public sealed class InMemoryHotPathTests : HotPathContract<InMemoryTarget>;

public sealed class InMemoryCorruptDataTests : CorruptDataContract<InMemoryTarget>;

public sealed class InMemoryConcurrencyTests : ConcurrencyContract<InMemoryTarget>;

public sealed class InMemoryLifecycleTests : LifecycleContract<InMemoryTarget>;
