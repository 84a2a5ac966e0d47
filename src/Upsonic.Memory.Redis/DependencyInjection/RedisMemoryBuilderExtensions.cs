using StackExchange.Redis;
using Upsonic.Storage.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses Redis storage for the memory registered by <c>AddUpsonicMemory</c>.</summary>
public static class RedisMemoryBuilderExtensions
{
    /// <summary>Stores memory in Redis, with settings from the <c>Storage:Redis</c> configuration subsection (for example
    /// <c>Upsonic:Memory:Storage:Redis:DbUrl</c>) and then <paramref name="configure"/>.</summary>
    /// <param name="builder">The memory builder.</param>
    /// <param name="configure">Changes the settings after binding.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <remarks>Without <see cref="RedisStorageOptions.DbUrl"/> the <see cref="IConnectionMultiplexer"/> registered in the services is
    /// used (and left open); with neither, start-up fails naming the key.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static UpsonicMemoryBuilder UseRedis(this UpsonicMemoryBuilder builder, Action<RedisStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseStorage<RedisStorageOptions>("Redis", configure, (services, o) =>
            string.IsNullOrWhiteSpace(o.DbUrl) && services.GetService<IConnectionMultiplexer>() is { } connection
                ? new RedisStorage(connection, o.DbPrefix, o.Expire, o.SessionTable, o.UserMemoryTable, o.KnowledgeTable, o.Id, services.GetService<TimeProvider>())
                : new RedisStorage(o.DbUrl!, o.DbPrefix, o.Expire, o.SessionTable, o.UserMemoryTable, o.KnowledgeTable, o.Id, services.GetService<TimeProvider>()));
    }
}
