using Microsoft.Extensions.DependencyInjection;
using Upsonic.Storage.Postgres;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Postgres.Tests.DependencyInjection;

public sealed class PostgresHostingTests : MemoryHostingAcceptance<PostgresTarget>
{
    protected override (string Key, string Value) InvalidSetting => ("Upsonic:Memory:Storage:Postgres:DbSchema", "no spaces allowed");

    protected override async Task<Dictionary<string, string?>> StorageSettingsAsync()
    {
        // A storage from the target owns a fresh schema (dropped with the target); the host is pointed at the same schema.
        await using var storage = (PostgresStorage)await Target.CreateAsync();
        return new()
        {
            ["Upsonic:Memory:Storage:Postgres:DbUrl"] = await PostgresTestServer.ConnectionStringAsync(),
            ["Upsonic:Memory:Storage:Postgres:DbSchema"] = storage.DbSchema,
        };
    }

    protected override void UseBackend(UpsonicMemoryBuilder builder) => builder.UsePostgres();
}
