using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Upsonic.Storage;
using Xunit;

namespace Upsonic.Storage.Testing;

/// <summary>
/// A backend's <c>Use&lt;Backend&gt;()</c> in a generic host configured from configuration only: it stores turns that a restarted
/// host finds again, its health check answers, and an invalid setting fails start-up naming its key.
/// </summary>
public abstract class MemoryHostingAcceptance<TTarget> : IAsyncLifetime
    where TTarget : StorageTarget, new()
{
    /// <summary>The backend under test (it owns, and cleans up, what the settings point at).</summary>
    protected TTarget Target { get; } = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Configuration keys (under <c>Upsonic:Memory:Storage:&lt;Backend&gt;</c>) of a new, empty storage of the target.</summary>
    protected abstract Task<Dictionary<string, string?>> StorageSettingsAsync();

    /// <summary>A key and value under <c>Upsonic:Memory:Storage:&lt;Backend&gt;</c> that the backend rejects.</summary>
    protected abstract (string Key, string Value) InvalidSetting { get; }

    /// <summary>Chooses the backend on the builder (<c>builder.UseSqlite()</c>, ...).</summary>
    protected abstract void UseBackend(UpsonicMemoryBuilder builder);

    /// <inheritdoc />
    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        await Target.DisposeAsync();
    }

    private IHost Build(Dictionary<string, string?> settings, IChatClient agent)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        UseBackend(builder.Services.AddUpsonicMemory(builder.Configuration.GetSection("Upsonic:Memory")));
        builder.Services.AddChatClient(agent).UseMemory();
        return builder.Build();
    }

    private static ChatOptions For(string session, string user) => new()
    {
        AdditionalProperties = new() { [MemoryChatClient.SessionIdKey] = session, [MemoryChatClient.UserIdKey] = user },
    };

    [Fact]
    public async Task A_host_configured_only_from_configuration_remembers_a_conversation_across_a_restart()
    {
        var settings = await StorageSettingsAsync();
        settings["Upsonic:Memory:FullSessionMemory"] = "true";
        var agent = new ScriptedChatClient("ok");

        using (var first = Build(settings, agent))
        {
            await first.StartAsync(Ct);
            await first.Services.GetRequiredService<IChatClient>().GetResponseAsync("My name is Ada.", For("s1", "ada"), Ct);
            await first.StopAsync(Ct);
        }

        using var second = Build(settings, agent);
        await second.StartAsync(Ct);
        await second.Services.GetRequiredService<IChatClient>().GetResponseAsync("What is my name?", For("s1", "ada"), Ct);
        await second.Services.GetRequiredService<IChatClient>().GetResponseAsync("What is my name?", For("s2", "bob"), Ct);

        Assert.Equal(["My name is Ada.", "ok", "What is my name?"], agent.Requests[1].Messages.Select(m => m.Text));
        Assert.Equal(["What is my name?"], agent.Requests[2].Messages.Select(m => m.Text));
        await second.StopAsync(Ct);
    }

    [Fact]
    public async Task The_health_check_of_the_configured_storage_is_healthy()
    {
        using var host = Build(await StorageSettingsAsync(), new ScriptedChatClient("ok"));

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);

        Assert.Equal(HealthStatus.Healthy, report.Entries[UpsonicMemoryServiceCollectionExtensions.HealthCheckName].Status);
    }

    [Fact]
    public async Task An_invalid_storage_setting_fails_start_up_naming_its_key()
    {
        var settings = await StorageSettingsAsync();
        settings[InvalidSetting.Key] = InvalidSetting.Value;
        using var host = Build(settings, new ScriptedChatClient("ok"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(Ct));

        Assert.Contains(InvalidSetting.Key, error.Message, StringComparison.Ordinal);
    }
}
