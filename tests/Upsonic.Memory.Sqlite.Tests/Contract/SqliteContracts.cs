using Upsonic.Testing.Storage;

namespace Upsonic.Memory.Sqlite.Tests.Contract;

// The shared storage contract, run unchanged against SqliteStorage (one class per contract area).

/// <summary>The session record API contract on SQLite.</summary>
public sealed class SqliteSessionRecordContract : SessionRecordContract<SqliteTarget>;

/// <summary>The session listing contract on SQLite.</summary>
public sealed class SqliteSessionListingContract : SessionListingContract<SqliteTarget>;

/// <summary>The user-memory contract on SQLite.</summary>
public sealed class SqliteUserMemoryContract : UserMemoryContract<SqliteTarget>;

/// <summary>The knowledge registry contract on SQLite.</summary>
public sealed class SqliteKnowledgeContract : KnowledgeContract<SqliteTarget>;

/// <summary>The bad-input contract on SQLite.</summary>
public sealed class SqliteBadInputContract : BadInputContract<SqliteTarget>;

/// <summary>The hot-path contract on SQLite.</summary>
public sealed class SqliteHotPathContract : HotPathContract<SqliteTarget>;

/// <summary>The lifecycle contract (create, clear, dispose) on SQLite.</summary>
public sealed class SqliteLifecycleContract : LifecycleContract<SqliteTarget>;

/// <summary>The corrupt-data contract on SQLite.</summary>
public sealed class SqliteCorruptDataContract : CorruptDataContract<SqliteTarget>;

/// <summary>The concurrency contract on SQLite.</summary>
public sealed class SqliteConcurrencyContract : ConcurrencyContract<SqliteTarget>;
