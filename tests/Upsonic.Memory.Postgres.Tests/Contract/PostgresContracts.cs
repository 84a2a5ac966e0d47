using Upsonic.Testing.Storage;

namespace Upsonic.Memory.Postgres.Tests.Contract;

// The shared storage contract, run unchanged against PostgresStorage (one class per contract area).

/// <summary>The session record API contract on PostgreSQL.</summary>
public sealed class PostgresSessionRecordContract : SessionRecordContract<PostgresTarget>;

/// <summary>The session listing contract on PostgreSQL.</summary>
public sealed class PostgresSessionListingContract : SessionListingContract<PostgresTarget>;

/// <summary>The user-memory contract on PostgreSQL.</summary>
public sealed class PostgresUserMemoryContract : UserMemoryContract<PostgresTarget>;

/// <summary>The knowledge registry contract on PostgreSQL.</summary>
public sealed class PostgresKnowledgeContract : KnowledgeContract<PostgresTarget>;

/// <summary>The bad-input contract on PostgreSQL.</summary>
public sealed class PostgresBadInputContract : BadInputContract<PostgresTarget>;

/// <summary>The hot-path contract on PostgreSQL.</summary>
public sealed class PostgresHotPathContract : HotPathContract<PostgresTarget>;

/// <summary>The lifecycle contract (create, clear, dispose) on PostgreSQL.</summary>
public sealed class PostgresLifecycleContract : LifecycleContract<PostgresTarget>;

/// <summary>The corrupt-data contract on PostgreSQL.</summary>
public sealed class PostgresCorruptDataContract : CorruptDataContract<PostgresTarget>;

/// <summary>The concurrency contract (separate instances writing one session) on PostgreSQL.</summary>
public sealed class PostgresConcurrencyContract : ConcurrencyContract<PostgresTarget>;
