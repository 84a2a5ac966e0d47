using Upsonic.Testing.Storage;

namespace Upsonic.Memory.Redis.Tests.Contract;

// The shared storage contract, run against RedisStorage: one class per behaviour area.

public sealed class RedisSessionRecordTests : SessionRecordContract<RedisTarget>;

public sealed class RedisSessionListingTests : SessionListingContract<RedisTarget>;

public sealed class RedisUserMemoryTests : UserMemoryContract<RedisTarget>;

public sealed class RedisKnowledgeTests : KnowledgeContract<RedisTarget>;

public sealed class RedisBadInputTests : BadInputContract<RedisTarget>;

public sealed class RedisHotPathTests : HotPathContract<RedisTarget>;

public sealed class RedisCorruptDataTests : CorruptDataContract<RedisTarget>;

public sealed class RedisConcurrencyTests : ConcurrencyContract<RedisTarget>;

public sealed class RedisLifecycleTests : LifecycleContract<RedisTarget>;
