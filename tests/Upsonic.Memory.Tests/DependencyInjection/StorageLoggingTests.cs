using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Upsonic.Storage;
using Upsonic.Storage.Testing;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Memory.Tests.DependencyInjection;

// A storage registered by AddUpsonicMemory logs (unreadable records left out of a listing) through the container's ILoggerFactory.
public sealed class StorageLoggingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_listing_that_leaves_out_an_unreadable_record_warns_through_the_containers_logger_factory()
    {
        var log = new RecordingLoggerFactory();
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(log);
        services.AddUpsonicMemory().UseInMemory();
        await using var provider = services.BuildServiceProvider();
        var storage = (InMemoryStorage)provider.GetRequiredService<IStorage>();
        await AppendTurnsAsync(storage, "s-1", 1, ct: Ct);
        await AppendTurnsAsync(storage, "s-2", 1, ct: Ct);
        storage.OverwriteStoredMessage("s-2", 1, "{ not json");

        var page = await storage.GetSessionsAsync(cancellationToken: Ct);

        Assert.Equal(["s-1"], Ids(page));
        var warning = Assert.Single(log.Warnings);
        Assert.Equal(typeof(InMemoryStorage).FullName, warning.Category);
        Assert.Contains("s-2", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_storage_given_its_own_logger_keeps_it()
    {
        var container = new RecordingLoggerFactory();
        var own = new RecordingLoggerFactory();
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(container);
        services.AddUpsonicMemory().UseStorage(_ => new InMemoryStorage { Logger = own.CreateLogger("own") });
        await using var provider = services.BuildServiceProvider();

        var storage = (InMemoryStorage)provider.GetRequiredService<IStorage>();
        storage.Logger.LogWarning("probe");

        Assert.Single(own.Warnings);
        Assert.Empty(container.Warnings);
    }
}
