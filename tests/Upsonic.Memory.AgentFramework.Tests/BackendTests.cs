using Upsonic.Memory.AgentFramework.Tests.Backends;

namespace Upsonic.Memory.AgentFramework.Tests;

// Every provider suite on every backend the package is tested on.
public sealed class InMemoryHistoryProviderTests : HistoryProviderTests<InMemoryBackend>;

public sealed class SqliteHistoryProviderTests : HistoryProviderTests<SqliteBackend>;

public sealed class InMemoryContextProviderTests : ContextProviderTests<InMemoryBackend>;

public sealed class SqliteContextProviderTests : ContextProviderTests<SqliteBackend>;

public sealed class InMemoryScopeTests : ScopeTests<InMemoryBackend>;

public sealed class SqliteScopeTests : ScopeTests<SqliteBackend>;

public sealed class InMemorySessionSerializationTests : SessionSerializationTests<InMemoryBackend>;

public sealed class SqliteSessionSerializationTests : SessionSerializationTests<SqliteBackend>;
