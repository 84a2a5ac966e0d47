using Upsonic.Testing.MemoryAcceptance;

namespace Upsonic.Memory.Mongo.Tests.Live;

// The shared Memory acceptance suites, run against MongoStorage.
public sealed class MongoPrepareTests : MemoryPrepareAcceptance<MongoTarget>;

public sealed class MongoSaveTests : MemorySaveAcceptance<MongoTarget>;

public sealed class MongoSummaryTests : SummaryMemoryAcceptance<MongoTarget>;

public sealed class MongoUserProfileTests : UserProfileAcceptance<MongoTarget>;

public sealed class MongoBackgroundTests : BackgroundMemoryAcceptance<MongoTarget>;

public sealed class MongoDiagnosticsTests : MemoryDiagnosticsAcceptance<MongoTarget>;

public sealed class MongoBoundednessTests : MemoryBoundednessAcceptance<MongoTarget>;

public sealed class MongoConvenienceTests : MemoryConvenienceAcceptance<MongoTarget>;

public sealed class MongoSettingsTests : MemorySettingsAcceptance<MongoTarget>;

public sealed class MongoStorageFailureTests : MemoryStorageFailureAcceptance<MongoTarget>;

public sealed class MongoFactoryTests : MemoryFactoryAcceptance<MongoTarget>;

public sealed class MongoSharedPipelineTests : SharedPipelineAcceptance<MongoTarget>;
