using Upsonic.Memory.Tests.Storage;
using Upsonic.Testing.MemoryAcceptance;

namespace Upsonic.Memory.Tests.Memory;

// The shared Memory acceptance suites, run against InMemoryStorage.
public sealed class InMemoryPrepareTests : MemoryPrepareAcceptance<InMemoryTarget>;

public sealed class InMemorySaveTests : MemorySaveAcceptance<InMemoryTarget>;

public sealed class InMemorySummaryTests : SummaryMemoryAcceptance<InMemoryTarget>;

public sealed class InMemoryUserProfileTests : UserProfileAcceptance<InMemoryTarget>;

public sealed class InMemoryBackgroundTests : BackgroundMemoryAcceptance<InMemoryTarget>;

public sealed class InMemoryDiagnosticsTests : MemoryDiagnosticsAcceptance<InMemoryTarget>;

public sealed class InMemoryBoundednessTests : MemoryBoundednessAcceptance<InMemoryTarget>;

public sealed class InMemoryConvenienceTests : MemoryConvenienceAcceptance<InMemoryTarget>;

public sealed class InMemorySettingsTests : MemorySettingsAcceptance<InMemoryTarget>;

public sealed class InMemoryStorageFailureTests : MemoryStorageFailureAcceptance<InMemoryTarget>;

public sealed class InMemoryFactoryTests : MemoryFactoryAcceptance<InMemoryTarget>;

public sealed class InMemorySharedPipelineTests : SharedPipelineAcceptance<InMemoryTarget>;
