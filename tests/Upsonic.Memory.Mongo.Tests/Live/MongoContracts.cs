using Upsonic.Testing.Storage;

namespace Upsonic.Memory.Mongo.Tests.Live;

// The shared storage contract, run against a real MongoDB server (MONGODB_URI): one class per behaviour area.

public sealed class MongoSessionRecordTests : SessionRecordContract<MongoTarget>;

public sealed class MongoSessionListingTests : SessionListingContract<MongoTarget>;

public sealed class MongoUserMemoryTests : UserMemoryContract<MongoTarget>;

public sealed class MongoKnowledgeTests : KnowledgeContract<MongoTarget>;

public sealed class MongoBadInputTests : BadInputContract<MongoTarget>;

public sealed class MongoHotPathTests : HotPathContract<MongoTarget>;

public sealed class MongoCorruptDataTests : CorruptDataContract<MongoTarget>;

public sealed class MongoConcurrencyTests : ConcurrencyContract<MongoTarget>;

public sealed class MongoLifecycleTests : LifecycleContract<MongoTarget>;
