using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Upsonic.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Upsonic memory (storage, <see cref="MemoryFactory"/>, options, hosting and health) in a service collection.</summary>
public static class UpsonicMemoryServiceCollectionExtensions
{
    /// <summary>The name of the storage health check.</summary>
    public const string HealthCheckName = "upsonic-memory";

    /// <summary>
    /// Registers a <see cref="MemoryFactory"/> singleton configured in code; choose the storage (and the model) on the returned builder.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the memory options; null keeps the defaults.</param>
    /// <returns>A builder to choose the storage (<c>UseInMemory()</c>, <c>UseSqlite()</c>, ...) and the model (<c>UseModel(...)</c>).</returns>
    /// <remarks>See <see cref="AddUpsonicMemory(IServiceCollection, IConfiguration)"/> for everything that is registered.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    public static UpsonicMemoryBuilder AddUpsonicMemory(this IServiceCollection services, Action<MemoryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<MemoryOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddCore(services, options, null);
    }

    /// <summary>
    /// Registers a <see cref="MemoryFactory"/> singleton whose options bind from <paramref name="configuration"/> (for example the
    /// <c>Upsonic:Memory</c> section); backends bind their settings from its <c>Storage:&lt;Backend&gt;</c> subsection.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration section of the memory options.</param>
    /// <returns>A builder to choose the storage (<c>UseInMemory()</c>, <c>UseSqlite()</c>, ...) and the model (<c>UseModel(...)</c>).</returns>
    /// <remarks>
    /// <para>Registers: the storage chosen on the builder as an <see cref="IStorage"/> singleton; <see cref="MemoryFactory"/> as a
    /// singleton with the container's <see cref="ILoggerFactory"/>; <see cref="IOptions{MemoryOptions}"/> validated when the host
    /// starts (a bad or unknown key fails start-up with a message naming it); a hosted service that creates the factory at start
    /// and drains its background work when the host has stopped; and a health check named <see cref="HealthCheckName"/> that makes
    /// one cheap read from the storage. The container disposes the storage and the factory.</para>
    /// <para>No model is used for summaries and profiles unless <see cref="UpsonicMemoryBuilder.UseModel(Func{IServiceProvider, Microsoft.Extensions.AI.IChatClient})"/>
    /// names one: the <c>IChatClient</c> registered for the application is usually the memory pipeline itself.</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is null.</exception>
    public static UpsonicMemoryBuilder AddUpsonicMemory(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = services.AddOptions<MemoryOptions>().Bind(configuration);
        return AddCore(services, options, configuration);
    }

    private static UpsonicMemoryBuilder AddCore(IServiceCollection services, OptionsBuilder<MemoryOptions> options, IConfiguration? configuration)
    {
        options.ValidateOnStart();
        services.AddSingleton<IValidateOptions<MemoryOptions>>(new MemoryOptionsValidator(configuration));
        services.TryAddSingleton(CreateFactory);
        services.AddHostedService<MemoryFactoryLifetime>();
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            HealthCheckName, sp => new MemoryStorageHealthCheck(sp.GetRequiredService<IStorage>()), failureStatus: null, tags: ["upsonic", "memory"]));
        return new UpsonicMemoryBuilder(services, configuration);
    }

    private static MemoryFactory CreateFactory(IServiceProvider services)
    {
        var storage = services.GetService<IStorage>() ?? throw new InvalidOperationException(
            "Upsonic memory has no storage: call UseInMemory(), UseJson(), UseSqlite(), UsePostgres(), UseRedis(), UseMongo() or UseStorage(...) on the builder AddUpsonicMemory returns.");
        var model = services.GetService<MemoryModelSource>()?.Create(services);
        return new MemoryFactory(storage, services.GetRequiredService<IOptions<MemoryOptions>>().Value, model, services.GetService<ILoggerFactory>());
    }
}
