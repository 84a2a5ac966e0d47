using Microsoft.Extensions.DependencyInjection;
using Upsonic.Memory.Mongo.Tests.Live;
using Upsonic.Storage.Mongo;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Mongo.Tests.DependencyInjection;

/// <summary><c>UseMongo()</c> in a host configured from configuration only, on the live server (MONGODB_URI).</summary>
public sealed class MongoHostingTests : MemoryHostingAcceptance<MongoTarget>
{
    protected override (string Key, string Value) InvalidSetting => ("Upsonic:Memory:Storage:Mongo:SessionCollection", "no spaces allowed");

    protected override async Task<Dictionary<string, string?>> StorageSettingsAsync()
    {
        // A storage from the target owns a fresh database (removed with the target); the host is pointed at the same database.
        await using var storage = (MongoStorage)await Target.CreateAsync();
        return new()
        {
            ["Upsonic:Memory:Storage:Mongo:DbUrl"] = MongoTestServer.Require(),
            ["Upsonic:Memory:Storage:Mongo:DbName"] = storage.DbName,
        };
    }

    protected override void UseBackend(UpsonicMemoryBuilder builder) => builder.UseMongo();
}
