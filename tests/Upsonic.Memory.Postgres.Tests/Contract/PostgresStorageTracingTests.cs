using Npgsql;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Postgres.Tests.Contract;

/// <summary>Storage spans of PostgresStorage; the test server's password must appear in no tag.</summary>
public sealed class PostgresStorageTracingTests : StorageTracingAcceptance<PostgresTarget>
{
    protected override string SystemName => "postgresql";

    protected override string? Secret =>
        Environment.GetEnvironmentVariable(PostgresTestServer.Variable) is { Length: > 0 } value ? new NpgsqlConnectionStringBuilder(value).Password : null;
}
