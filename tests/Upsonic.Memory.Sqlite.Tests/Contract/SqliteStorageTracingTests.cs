using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Sqlite.Tests.Contract;

/// <summary>Storage spans of SqliteStorage: an embedded engine, so no server attributes.</summary>
public sealed class SqliteStorageTracingTests : StorageTracingAcceptance<SqliteTarget>
{
    protected override string SystemName => "sqlite";

    protected override bool HasServer => false;
}
