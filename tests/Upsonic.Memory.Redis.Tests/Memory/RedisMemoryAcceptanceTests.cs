using Upsonic.Testing.MemoryAcceptance;

namespace Upsonic.Memory.Redis.Tests.Memory;

// The shared Memory acceptance suites, run against RedisStorage.
public sealed class RedisPrepareTests : MemoryPrepareAcceptance<RedisTarget>;

public sealed class RedisSaveTests : MemorySaveAcceptance<RedisTarget>;

public sealed class RedisSummaryTests : SummaryMemoryAcceptance<RedisTarget>;

public sealed class RedisUserProfileTests : UserProfileAcceptance<RedisTarget>;

public sealed class RedisBackgroundTests : BackgroundMemoryAcceptance<RedisTarget>;

public sealed class RedisDiagnosticsTests : MemoryDiagnosticsAcceptance<RedisTarget>;

public sealed class RedisBoundednessTests : MemoryBoundednessAcceptance<RedisTarget>;

public sealed class RedisConvenienceTests : MemoryConvenienceAcceptance<RedisTarget>;

public sealed class RedisSettingsTests : MemorySettingsAcceptance<RedisTarget>;

public sealed class RedisStorageFailureTests : MemoryStorageFailureAcceptance<RedisTarget>;

public sealed class RedisFactoryTests : MemoryFactoryAcceptance<RedisTarget>;

public sealed class RedisSharedPipelineTests : SharedPipelineAcceptance<RedisTarget>;
