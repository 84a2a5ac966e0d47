using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Upsonic.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the storage and the model of the memory registered by <c>AddUpsonicMemory</c>.</summary>
/// <remarks>The core package has <see cref="UseInMemory"/> and <see cref="UseJson"/>; backend packages add their own <c>Use&lt;Backend&gt;</c> extensions (<c>UseSqlite</c>, <c>UsePostgres</c>, <c>UseRedis</c>,
/// <c>UseMongo</c>); the last storage chosen wins.</remarks>
public sealed class UpsonicMemoryBuilder
{
    internal UpsonicMemoryBuilder(IServiceCollection services, IConfiguration? configuration)
    {
        Services = services;
        Configuration = configuration;
    }

    /// <summary>The service collection being configured.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The configuration section given to <c>AddUpsonicMemory</c>, or null when configured in code. Backends bind
    /// <c>Storage:&lt;Backend&gt;</c> under it.</summary>
    public IConfiguration? Configuration { get; }

    /// <summary>Stores memory in process (<see cref="InMemoryStorage"/>): for tests and demos; everything is lost when the process ends.</summary>
    /// <param name="expire">Seconds after its last write when a session or user memory expires; null (default) = never. The clock
    /// is the container's <see cref="TimeProvider"/> when one is registered.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="expire"/> is not positive (when the storage is first resolved).</exception>
    public UpsonicMemoryBuilder UseInMemory(int? expire = null) =>
        UseStorage(services => new InMemoryStorage(expire: expire, timeProvider: services.GetService<TimeProvider>()));

    /// <summary>Stores memory as files in one directory (<see cref="JsonStorage"/>), with settings from the <c>Storage:Json</c>
    /// configuration subsection (for example <c>Upsonic:Memory:Storage:Json:DbPath</c>) and then <paramref name="configure"/>.</summary>
    /// <param name="configure">Changes the settings after binding; null keeps what configuration says.</param>
    /// <returns>This builder.</returns>
    /// <remarks><b>Security considerations:</b> the files hold conversations and profiles verbatim, unencrypted; keep the directory
    /// private and out of web roots. Several processes may share it (see <see cref="JsonStorage"/>).</remarks>
    public UpsonicMemoryBuilder UseJson(Action<JsonStorageOptions>? configure = null) =>
        UseStorage<JsonStorageOptions>("Json", configure, (_, o) =>
            new JsonStorage(o.DbPath, o.SessionTable, o.UserMemoryTable, o.KnowledgeTable, o.Id, o.Expire));

    /// <summary>Uses the storage <paramref name="create"/> makes (once, as a singleton the container disposes). A storage built on the
    /// backend kit logs through the container's <see cref="ILoggerFactory"/> unless its <c>Logger</c> was set.</summary>
    /// <param name="create">Creates the storage from the application's services.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="create"/> is null.</exception>
    public UpsonicMemoryBuilder UseStorage(Func<IServiceProvider, IStorage> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        Services.Replace(ServiceDescriptor.Singleton(services => WithContainerLogger(create(services), services)));
        return this;
    }

    /// <summary>Gives a storage built on the backend kit whose <see cref="Upsonic.Storage.Backends.StorageBase.Logger"/> was left unset
    /// a logger from the container's <see cref="ILoggerFactory"/>.</summary>
    private static IStorage WithContainerLogger(IStorage storage, IServiceProvider services)
    {
        if (storage is Upsonic.Storage.Backends.StorageBase { Logger: NullLogger } kit && services.GetService<ILoggerFactory>() is { } loggers)
        {
            kit.Logger = loggers.CreateLogger(storage.GetType());
        }

        return storage;
    }

    /// <summary>
    /// Uses a storage built from an options object that binds from the <c>Storage:<paramref name="name"/></c> subsection of
    /// <see cref="Configuration"/> and then <paramref name="configure"/>: how each backend package implements its <c>Use&lt;Backend&gt;</c>.
    /// </summary>
    /// <typeparam name="TOptions">The backend's options type.</typeparam>
    /// <param name="name">The backend's name in configuration (for example <c>Sqlite</c>).</param>
    /// <param name="configure">Changes the options after binding; null keeps what configuration says.</param>
    /// <param name="create">Creates the storage from the application's services and the options.</param>
    /// <returns>This builder.</returns>
    /// <remarks>An <see cref="ArgumentException"/> from <paramref name="create"/> fails start-up with an <see cref="InvalidOperationException"/>
    /// that names the configuration key (the parameter name in PascalCase under <c>Storage:<paramref name="name"/></c>).</remarks>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty or white space.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="create"/> is null.</exception>
    public UpsonicMemoryBuilder UseStorage<TOptions>(string name, Action<TOptions>? configure, Func<IServiceProvider, TOptions, IStorage> create)
        where TOptions : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(create);
        var options = Services.AddOptions<TOptions>();
        var section = Configuration?.GetSection("Storage:" + name);
        if (section is not null)
        {
            options.Bind(section);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        var where = section?.Path ?? $"Storage:{name}";
        return UseStorage(services =>
        {
            var value = services.GetRequiredService<IOptions<TOptions>>().Value;
            try
            {
                return create(services, value);
            }
            catch (ArgumentException ex)
            {
                var key = string.IsNullOrEmpty(ex.ParamName) ? where : $"{where}:{char.ToUpperInvariant(ex.ParamName[0])}{ex.ParamName[1..]}";
                throw new InvalidOperationException($"The {name} memory storage is misconfigured at {key}: {ex.Message}", ex);
            }
        });
    }

    /// <summary>Uses the model <paramref name="create"/> returns for summaries and profiles.</summary>
    /// <param name="create">Returns the model from the application's services; never the memory pipeline itself.</param>
    /// <returns>This builder.</returns>
    /// <remarks>A model that is a memory pipeline (it contains a <see cref="Upsonic.MemoryChatClient"/>) fails start-up: every summary
    /// would be a run of the memory it summarizes.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="create"/> is null.</exception>
    public UpsonicMemoryBuilder UseModel(Func<IServiceProvider, IChatClient> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        Services.Replace(ServiceDescriptor.Singleton(new MemoryModelSource(create)));
        return this;
    }

    /// <summary>Uses <paramref name="model"/> for summaries and profiles.</summary>
    /// <param name="model">The model; never the memory pipeline itself.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    public UpsonicMemoryBuilder UseModel(IChatClient model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return UseModel(_ => model);
    }

    /// <summary>Uses the keyed <see cref="IChatClient"/> registered under <paramref name="serviceKey"/> (for example with
    /// <c>AddKeyedChatClient("memory-model", ...)</c>) for summaries and profiles.</summary>
    /// <param name="serviceKey">The service key of the model.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="serviceKey"/> is null.</exception>
    public UpsonicMemoryBuilder UseModel(object serviceKey)
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        return UseModel(services => services.GetRequiredKeyedService<IChatClient>(serviceKey));
    }
}
