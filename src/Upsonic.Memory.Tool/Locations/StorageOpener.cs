using Upsonic.Storage;
using Upsonic.Storage.Mem0;
using Upsonic.Storage.Mongo;
using Upsonic.Storage.Postgres;
using Upsonic.Storage.Redis;
using Upsonic.Storage.Sqlite;

namespace Upsonic.Memory.Tool.Locations;

/// <summary>Builds the <see cref="IStorage"/> a <see cref="StorageLocation"/> names. Constructing connects to nothing.</summary>
internal static class StorageOpener
{
    /// <summary>
    /// Creates the storage. With <paramref name="mustExist"/> a SQLite file or JSON directory that is not there is an error
    /// (a read never creates an empty store by mistake); servers are checked by their first operation.
    /// </summary>
    public static IStorage Open(StorageLocation location, bool mustExist)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (mustExist && location.Path is { } path && !(location.Kind == StorageKind.Sqlite ? File.Exists(path) : Directory.Exists(path)))
        {
            throw new ToolException($"{location.Display}: no such {(location.Kind == StorageKind.Sqlite ? "database file" : "directory")}.");
        }

        try
        {
            return location.Kind switch
            {
                StorageKind.Sqlite => new SqliteStorage(dbFile: location.Path, sessionTable: location.SessionTable,
                    userMemoryTable: location.UserMemoryTable, knowledgeTable: location.KnowledgeTable),
                StorageKind.Json => new JsonStorage(dbPath: location.Path, sessionTable: location.SessionTable,
                    userMemoryTable: location.UserMemoryTable, knowledgeTable: location.KnowledgeTable),
                StorageKind.Postgres => new PostgresStorage(location.ConnectionUrl!, dbSchema: location.Schema ?? "public",
                    sessionTable: location.SessionTable, userMemoryTable: location.UserMemoryTable, knowledgeTable: location.KnowledgeTable),
                StorageKind.Redis => new RedisStorage(location.ConnectionUrl!, dbPrefix: location.Prefix ?? RedisStorage.DefaultPrefix,
                    sessionTable: location.SessionTable, userMemoryTable: location.UserMemoryTable, knowledgeTable: location.KnowledgeTable),
                StorageKind.Mongo => new MongoStorage(location.ConnectionUrl!, dbName: location.Database ?? MongoStorage.DefaultDbName,
                    sessionCollection: location.SessionTable, userMemoryCollection: location.UserMemoryTable, knowledgeCollection: location.KnowledgeTable),
                StorageKind.Mem0 => new Mem0Storage(location.Mem0!),
                _ => throw new ToolException($"{location.Display}: unsupported storage kind."),
            };
        }
        catch (ArgumentException ex)
        {
            throw new ToolException($"{location.Display}: {location.Redact(FirstLine(ex.Message))}");
        }
    }

    /// <summary>The first line of a driver message (ArgumentException appends "(Parameter 'x')" on a line of its own).</summary>
    public static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return (end >= 0 ? message[..end] : message).Trim();
    }
}
