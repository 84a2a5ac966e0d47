using Microsoft.Extensions.DependencyInjection;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Sqlite.Tests.DependencyInjection;

public sealed class SqliteHostingTests : MemoryHostingAcceptance<SqliteTarget>
{
    protected override (string Key, string Value) InvalidSetting => ("Upsonic:Memory:Storage:Sqlite:SessionTable", "no spaces allowed");

    protected override Task<Dictionary<string, string?>> StorageSettingsAsync() =>
        Task.FromResult(new Dictionary<string, string?> { ["Upsonic:Memory:Storage:Sqlite:DbFile"] = Target.NewDbFile() });

    protected override void UseBackend(UpsonicMemoryBuilder builder) => builder.UseSqlite();
}
