using Upsonic.Testing.MemoryAcceptance;

namespace Upsonic.Memory.Sqlite.Tests.Memory;

// The shared Memory acceptance suites, run against SqliteStorage.
public sealed class SqlitePrepareTests : MemoryPrepareAcceptance<SqliteTarget>;

public sealed class SqliteSaveTests : MemorySaveAcceptance<SqliteTarget>;

public sealed class SqliteSummaryTests : SummaryMemoryAcceptance<SqliteTarget>;

public sealed class SqliteUserProfileTests : UserProfileAcceptance<SqliteTarget>;

public sealed class SqliteBackgroundTests : BackgroundMemoryAcceptance<SqliteTarget>;

public sealed class SqliteDiagnosticsTests : MemoryDiagnosticsAcceptance<SqliteTarget>;

public sealed class SqliteBoundednessTests : MemoryBoundednessAcceptance<SqliteTarget>;

public sealed class SqliteConvenienceTests : MemoryConvenienceAcceptance<SqliteTarget>;

public sealed class SqliteSettingsTests : MemorySettingsAcceptance<SqliteTarget>;

public sealed class SqliteStorageFailureTests : MemoryStorageFailureAcceptance<SqliteTarget>;

public sealed class SqliteFactoryTests : MemoryFactoryAcceptance<SqliteTarget>;

public sealed class SqliteSharedPipelineTests : SharedPipelineAcceptance<SqliteTarget>;
