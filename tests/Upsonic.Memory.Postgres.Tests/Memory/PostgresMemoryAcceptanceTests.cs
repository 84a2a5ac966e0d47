using Upsonic.Testing.MemoryAcceptance;

namespace Upsonic.Memory.Postgres.Tests.Memory;

// The shared Memory acceptance suites, run against PostgresStorage.
public sealed class PostgresPrepareTests : MemoryPrepareAcceptance<PostgresTarget>;

public sealed class PostgresSaveTests : MemorySaveAcceptance<PostgresTarget>;

public sealed class PostgresSummaryTests : SummaryMemoryAcceptance<PostgresTarget>;

public sealed class PostgresUserProfileTests : UserProfileAcceptance<PostgresTarget>;

public sealed class PostgresBackgroundTests : BackgroundMemoryAcceptance<PostgresTarget>;

public sealed class PostgresDiagnosticsTests : MemoryDiagnosticsAcceptance<PostgresTarget>;

public sealed class PostgresBoundednessTests : MemoryBoundednessAcceptance<PostgresTarget>;

public sealed class PostgresConvenienceTests : MemoryConvenienceAcceptance<PostgresTarget>;

public sealed class PostgresSettingsTests : MemorySettingsAcceptance<PostgresTarget>;

public sealed class PostgresStorageFailureTests : MemoryStorageFailureAcceptance<PostgresTarget>;

public sealed class PostgresFactoryTests : MemoryFactoryAcceptance<PostgresTarget>;

public sealed class PostgresSharedPipelineTests : SharedPipelineAcceptance<PostgresTarget>;
