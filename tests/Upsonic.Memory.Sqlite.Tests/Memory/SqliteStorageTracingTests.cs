using Upsonic.Testing.MemoryAcceptance;

namespace Upsonic.Memory.Sqlite.Tests.Memory;

/// <summary>Storage spans of SqliteStorage: an embedded engine, so no server attributes.</summary>
public sealed class SqliteStorageTracingTests : StorageTracingAcceptance<SqliteTarget>
{
    protected override string SystemName => "sqlite";

    protected override bool HasServer => false;
}
