using Upsonic.Testing.MemoryAcceptance;
using Upsonic.Testing.Storage;

namespace Upsonic.Memory.Json.Tests;

// The shared storage contract and Memory acceptance suites, run against JsonStorage.

public sealed class JsonSessionRecordTests : SessionRecordContract<JsonTarget>;

public sealed class JsonSessionListingTests : SessionListingContract<JsonTarget>;

public sealed class JsonUserMemoryTests : UserMemoryContract<JsonTarget>;

public sealed class JsonKnowledgeTests : KnowledgeContract<JsonTarget>;

public sealed class JsonBadInputTests : BadInputContract<JsonTarget>;

public sealed class JsonHotPathTests : HotPathContract<JsonTarget>;

public sealed class JsonCorruptDataTests : CorruptDataContract<JsonTarget>;

public sealed class JsonConcurrencyTests : ConcurrencyContract<JsonTarget>;

public sealed class JsonLifecycleTests : LifecycleContract<JsonTarget>;

public sealed class JsonPrepareTests : MemoryPrepareAcceptance<JsonTarget>;

public sealed class JsonSaveTests : MemorySaveAcceptance<JsonTarget>;

public sealed class JsonSummaryTests : SummaryMemoryAcceptance<JsonTarget>;

public sealed class JsonUserProfileTests : UserProfileAcceptance<JsonTarget>;

public sealed class JsonBackgroundTests : BackgroundMemoryAcceptance<JsonTarget>;

public sealed class JsonDiagnosticsTests : MemoryDiagnosticsAcceptance<JsonTarget>;

public sealed class JsonBoundednessTests : MemoryBoundednessAcceptance<JsonTarget>;

public sealed class JsonConvenienceTests : MemoryConvenienceAcceptance<JsonTarget>;

public sealed class JsonSettingsTests : MemorySettingsAcceptance<JsonTarget>;

public sealed class JsonStorageFailureTests : MemoryStorageFailureAcceptance<JsonTarget>;
