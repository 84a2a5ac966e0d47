using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Upsonic;
using Upsonic.Storage;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Tests.DependencyInjection;

// AddUpsonicMemory in a generic host configured from configuration only.
public sealed class MemoryHostingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ChatOptions For(string session, string user) => new()
    {
        AdditionalProperties = new() { [MemoryChatClient.SessionIdKey] = session, [MemoryChatClient.UserIdKey] = user },
    };

    private static IHost Build(Dictionary<string, string?> settings, Action<UpsonicMemoryBuilder>? storage = null, Action<IServiceCollection>? more = null,
        IChatClient? agentModel = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        var memory = builder.Services.AddUpsonicMemory(builder.Configuration.GetSection("Upsonic:Memory"));
        (storage ?? (m => m.UseInMemory()))(memory);
        builder.Services.AddChatClient(agentModel ?? new ScriptedChatClient("ok")).UseMemory();
        more?.Invoke(builder.Services);
        return builder.Build();
    }

    [Fact]
    public async Task A_host_configured_from_configuration_serves_memory_through_the_registered_pipeline()
    {
        var agent = new ScriptedChatClient("ok");
        using var host = Build(new() { ["Upsonic:Memory:FullSessionMemory"] = "true", ["Upsonic:Memory:NumLastMessages"] = "5" }, agentModel: agent);
        await host.StartAsync(Ct);
        var client = host.Services.GetRequiredService<IChatClient>();

        await client.GetResponseAsync("I am Ada", For("s1", "ada"), Ct);
        await client.GetResponseAsync("Who am I?", For("s1", "ada"), Ct);

        Assert.Equal(["I am Ada", "ok", "Who am I?"], agent.Requests[1].Messages.Select(m => m.Text));
        var factory = host.Services.GetRequiredService<MemoryFactory>();
        Assert.Equal(5, factory.ForSession("any").NumLastMessages);
        Assert.Same(host.Services.GetRequiredService<IStorage>(), factory.Storage);
        await host.StopAsync(Ct);
    }

    [Theory]
    [InlineData("Upsonic:Memory:SummaryMaxRuns", "0")]
    [InlineData("Upsonic:Memory:FullSesionMemory", "true")]
    [InlineData("Upsonic:Memory:SessionId", "everyone")]
    [InlineData("Upsonic:Memory:BackgroundConcurrency", "0")]
    public async Task A_bad_setting_fails_start_up_with_a_message_naming_its_key(string key, string value)
    {
        using var host = Build(new() { [key] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_debug_level_outside_1_to_3_fails_start_up_only_when_debug_is_on()
    {
        using var quiet = Build(new() { ["Upsonic:Memory:DebugLevel"] = "7" });
        using var debugging = Build(new() { ["Upsonic:Memory:DebugLevel"] = "7", ["Upsonic:Memory:Debug"] = "true" });

        await quiet.StartAsync(Ct);
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => debugging.StartAsync(Ct));

        Assert.Contains("Upsonic:Memory:DebugLevel", error.Message, StringComparison.Ordinal);
        await quiet.StopAsync(Ct);
    }

    [Fact]
    public async Task A_host_without_a_storage_fails_start_up_saying_how_to_choose_one()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddUpsonicMemory();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(Ct));

        Assert.Contains("UseSqlite()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stopping_the_host_waits_for_pending_summaries()
    {
        using var released = new ManualResetEventSlim(false);
        var memoryModel = new ScriptedChatClient().Summaries(_ =>
        {
            // Held until the host is stopping: only a drain on shutdown can see this summary written.
            released.Wait(TestContext.Current.CancellationToken);
            return "Drained on shutdown.";
        });
        using var host = Build(
            new() { ["Upsonic:Memory:FullSessionMemory"] = "true", ["Upsonic:Memory:SummaryMemory"] = "true", ["Upsonic:Memory:BackgroundProcessing"] = "true" },
            m => m.UseInMemory().UseModel(memoryModel));
        await host.StartAsync(Ct);
        host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(released.Set);
        var client = host.Services.GetRequiredService<IChatClient>();
        for (var i = 0; i < 4; i++)
        {
            await client.GetResponseAsync("hello", For("s" + i, "u" + i), Ct);
        }

        var storage = host.Services.GetRequiredService<IStorage>();
        Assert.Null((await storage.GetSessionAsync("s0", cancellationToken: Ct))!.Summary);
        await host.StopAsync(Ct);

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("Drained on shutdown.", (await storage.GetSessionAsync("s" + i, cancellationToken: Ct))!.Summary);
        }
    }

    [Fact]
    public async Task The_background_concurrency_from_configuration_bounds_how_many_sessions_summarize_at_once()
    {
        const int Concurrency = 2;
        var running = 0;
        var most = 0;
        using var bothRunning = new ManualResetEventSlim(false);
        using var released = new ManualResetEventSlim(false);
        var memoryModel = new ScriptedChatClient().Summaries(_ =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            if (now == Concurrency)
            {
                bothRunning.Set();
            }

            // Held until the bound is reached: a third session's summary starting meanwhile would exceed it.
            released.Wait(TestContext.Current.CancellationToken);
            Interlocked.Decrement(ref running);
            return "Summarized.";
        });
        using var host = Build(
            new()
            {
                ["Upsonic:Memory:FullSessionMemory"] = "true",
                ["Upsonic:Memory:SummaryMemory"] = "true",
                ["Upsonic:Memory:BackgroundProcessing"] = "true",
                ["Upsonic:Memory:BackgroundConcurrency"] = Concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            m => m.UseInMemory().UseModel(memoryModel));
        await host.StartAsync(Ct);
        var client = host.Services.GetRequiredService<IChatClient>();
        for (var i = 0; i < 4; i++)
        {
            await client.GetResponseAsync("hello", For("s" + i, "u" + i), Ct);
        }

        bothRunning.Wait(Ct);
        var whileHeld = Volatile.Read(ref running);
        released.Set();
        await host.Services.GetRequiredService<MemoryFactory>().FlushAsync(Ct);

        Assert.Equal(Concurrency, whileHeld);
        Assert.Equal(Concurrency, most);
        Assert.Equal(4, memoryModel.CallCount);
        Assert.Equal(Concurrency, host.Services.GetRequiredService<IOptions<MemoryOptions>>().Value.BackgroundConcurrency);
        await host.StopAsync(Ct);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen)
        {
            var previous = Interlocked.CompareExchange(ref target, value, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }

    [Fact]
    public async Task The_storage_health_check_reports_a_storage_that_answers_and_one_that_does_not()
    {
        using var healthy = Build([]);
        using var broken = Build([], m => m.UseStorage(_ => FaultyStorage.Wrap(new InMemoryStorage(), nameof(IStorage.LoadSessionWindowAsync))));

        var good = await healthy.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);
        var bad = await broken.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);

        Assert.Equal(HealthStatus.Healthy, good.Entries[UpsonicMemoryServiceCollectionExtensions.HealthCheckName].Status);
        Assert.Equal(HealthStatus.Unhealthy, bad.Entries[UpsonicMemoryServiceCollectionExtensions.HealthCheckName].Status);
        Assert.IsType<StorageException>(bad.Entries[UpsonicMemoryServiceCollectionExtensions.HealthCheckName].Exception);
    }

    [Fact]
    public async Task The_memory_pipeline_cannot_be_its_own_summary_model()
    {
        using var host = Build(new() { ["Upsonic:Memory:SummaryMemory"] = "true" }, m => m.UseInMemory().UseModel(sp => sp.GetRequiredKeyedService<IChatClient>("wrapped")),
            services => services.AddKeyedChatClient("wrapped", new ScriptedChatClient("ok")).UseMemory());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(Ct));

        Assert.Contains("memory pipeline", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Memory_logs_through_the_container_logger_factory()
    {
        var logs = new RecordingLoggerFactory();
        using var host = Build(new() { ["Upsonic:Memory:SummaryMemory"] = "true" }, more: s => s.AddSingleton<ILoggerFactory>(logs));
        await host.StartAsync(Ct);

        await host.Services.GetRequiredService<IChatClient>().GetResponseAsync("hello", For("s1", "u1"), Ct);

        Assert.Contains(logs.Warnings, w => w.Message.Contains("no model is configured", StringComparison.Ordinal));
        await host.StopAsync(Ct);
    }

    [Fact]
    public void A_synchronous_container_disposes_the_storage_and_the_factory()
    {
        var services = new ServiceCollection();
        services.AddUpsonicMemory(o => o.FullSessionMemory = true).UseInMemory();
        var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<MemoryFactory>();

        provider.Dispose();

        Assert.Throws<ObjectDisposedException>(() => factory.ForSession("s1"));
    }
}
