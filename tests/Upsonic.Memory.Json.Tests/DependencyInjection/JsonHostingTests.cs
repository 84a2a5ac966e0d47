using Microsoft.Extensions.DependencyInjection;
using Upsonic.Storage;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Json.Tests.DependencyInjection;

/// <summary><c>UseJson()</c> in a host configured from configuration only.</summary>
public sealed class JsonHostingTests : MemoryHostingAcceptance<JsonTarget>
{
    protected override (string Key, string Value) InvalidSetting => ("Upsonic:Memory:Storage:Json:Expire", "0");

    protected override async Task<Dictionary<string, string?>> StorageSettingsAsync()
    {
        // A directory inside the target's temporary root, deleted with the target.
        await using var storage = (JsonStorage)await Target.CreateAsync();
        return new() { ["Upsonic:Memory:Storage:Json:DbPath"] = storage.DbPath };
    }

    protected override void UseBackend(UpsonicMemoryBuilder builder) => builder.UseJson();
}
