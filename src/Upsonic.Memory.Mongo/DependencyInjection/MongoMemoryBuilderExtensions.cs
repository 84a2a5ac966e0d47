using MongoDB.Driver;
using Upsonic.Storage.Mongo;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses MongoDB storage for the memory registered by <c>AddUpsonicMemory</c>.</summary>
public static class MongoMemoryBuilderExtensions
{
    /// <summary>Stores memory in MongoDB, with settings from the <c>Storage:Mongo</c> configuration subsection (for example
    /// <c>Upsonic:Memory:Storage:Mongo:DbUrl</c>) and then <paramref name="configure"/>.</summary>
    /// <param name="builder">The memory builder.</param>
    /// <param name="configure">Changes the settings after binding.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <remarks>Without <see cref="MongoStorageOptions.DbUrl"/> the <see cref="IMongoClient"/> registered in the services is used;
    /// with neither, start-up fails naming the key.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static UpsonicMemoryBuilder UseMongo(this UpsonicMemoryBuilder builder, Action<MongoStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseStorage<MongoStorageOptions>("Mongo", configure, (services, o) =>
            string.IsNullOrWhiteSpace(o.DbUrl) && services.GetService<IMongoClient>() is { } client
                ? new MongoStorage(client, o.DbName, o.SessionCollection, o.UserMemoryCollection, o.KnowledgeCollection, o.Id, o.Expire, services.GetService<TimeProvider>())
                : new MongoStorage(o.DbUrl!, o.DbName, o.SessionCollection, o.UserMemoryCollection, o.KnowledgeCollection, o.Id, o.Expire, services.GetService<TimeProvider>()));
    }
}
