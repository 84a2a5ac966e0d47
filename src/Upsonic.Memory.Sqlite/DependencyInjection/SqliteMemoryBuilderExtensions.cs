using Upsonic.Storage.Sqlite;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses SQLite storage for the memory registered by <c>AddUpsonicMemory</c>.</summary>
public static class SqliteMemoryBuilderExtensions
{
    /// <summary>Stores memory in a SQLite file, with settings from the <c>Storage:Sqlite</c> configuration subsection (for example
    /// <c>Upsonic:Memory:Storage:Sqlite:DbFile</c>) and then <paramref name="configure"/>.</summary>
    /// <param name="builder">The memory builder.</param>
    /// <param name="configure">Changes the settings after binding.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <remarks><b>Security considerations:</b> the file holds conversations and profiles verbatim; keep it out of web roots and backups you do not protect.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static UpsonicMemoryBuilder UseSqlite(this UpsonicMemoryBuilder builder, Action<SqliteStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseStorage<SqliteStorageOptions>("Sqlite", configure, (services, o) =>
            new SqliteStorage(o.DbFile, o.SessionTable, o.UserMemoryTable, o.KnowledgeTable, o.Id, o.ConnectionString,
                expire: o.Expire, timeProvider: services.GetService<TimeProvider>()));
    }
}
