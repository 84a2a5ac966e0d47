using Microsoft.Extensions.DependencyInjection;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Redis.Tests.DependencyInjection;

public sealed class RedisHostingTests : MemoryHostingAcceptance<RedisTarget>
{
    protected override (string Key, string Value) InvalidSetting => ("Upsonic:Memory:Storage:Redis:DbPrefix", "no spaces allowed");

    protected override async Task<Dictionary<string, string?>> StorageSettingsAsync()
    {
        await RedisTestServer.RequireAsync();
        return new()
        {
            ["Upsonic:Memory:Storage:Redis:DbUrl"] = RedisTestServer.Config,
            ["Upsonic:Memory:Storage:Redis:DbPrefix"] = Target.NewPrefix(),
        };
    }

    protected override void UseBackend(UpsonicMemoryBuilder builder) => builder.UseRedis();
}
