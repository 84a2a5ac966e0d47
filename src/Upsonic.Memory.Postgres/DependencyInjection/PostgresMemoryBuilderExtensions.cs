using Npgsql;
using Upsonic.Storage.Postgres;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses PostgreSQL storage for the memory registered by <c>AddUpsonicMemory</c>.</summary>
public static class PostgresMemoryBuilderExtensions
{
    /// <summary>Stores memory in PostgreSQL, with settings from the <c>Storage:Postgres</c> configuration subsection (for example
    /// <c>Upsonic:Memory:Storage:Postgres:DbUrl</c>) and then <paramref name="configure"/>.</summary>
    /// <param name="builder">The memory builder.</param>
    /// <param name="configure">Changes the settings after binding.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <remarks>Without <see cref="PostgresStorageOptions.DbUrl"/> the <see cref="NpgsqlDataSource"/> registered in the services is
    /// used (and left to the container to dispose); with neither, start-up fails naming the key.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static UpsonicMemoryBuilder UsePostgres(this UpsonicMemoryBuilder builder, Action<PostgresStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseStorage<PostgresStorageOptions>("Postgres", configure, (services, o) =>
            string.IsNullOrWhiteSpace(o.DbUrl) && services.GetService<NpgsqlDataSource>() is { } dataSource
                ? new PostgresStorage(dataSource, o.DbSchema, o.CreateSchema, o.SessionTable, o.UserMemoryTable, o.KnowledgeTable, o.Id)
                : new PostgresStorage(o.DbUrl!, o.DbSchema, o.CreateSchema, o.SessionTable, o.UserMemoryTable, o.KnowledgeTable, o.Id, o.PrepareStatements));
    }
}
