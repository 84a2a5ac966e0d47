using System.Text;
using Microsoft.Data.Sqlite;
using MongoDB.Bson;
using MongoDB.Driver;
using Npgsql;
using StackExchange.Redis;
using Upsonic.Storage;
using Upsonic.Storage.Mongo;
using Upsonic.Storage.Postgres;
using Upsonic.Storage.Redis;
using Upsonic.Storage.Sqlite;

namespace Upsonic.Memory.Tool.Tests;

/// <summary>
/// One store for a test, on one engine: its tool URI, a storage over it for seeding and reading in process, and a raw dump of
/// everything the engine holds for it (every row, key, document or file), read without the library.
/// </summary>
internal sealed class StoreTarget
{
    private readonly Func<IStorage> _open;
    private readonly Func<Task<string>> _dump;

    private StoreTarget(string kind, string uri, Func<IStorage> open, Func<Task<string>> dump)
    {
        Kind = kind;
        Uri = uri;
        _open = open;
        _dump = dump;
    }

    public string Kind { get; }

    /// <summary>The URI the tool is given.</summary>
    public string Uri { get; }

    /// <summary>A new storage over the same store.</summary>
    public IStorage Open() => _open();

    /// <summary>Every value the engine stores for this store, as text (one line per row, key or file).</summary>
    public Task<string> RawDumpAsync() => _dump();

    public override string ToString() => Kind;

    /// <summary>A fresh, empty store of the given kind (sqlite, json, postgres, redis, mongo); server kinds need their server.</summary>
    public static StoreTarget Create(string kind, ToolProcess tool, string name) => kind switch
    {
        "sqlite" => Sqlite(tool.PathOf(name + ".db")),
        "json" => Json(tool.PathOf(name + "-json")),
        "postgres" => Postgres(TestServers.UniqueName(name)),
        "redis" => Redis(TestServers.UniqueName(name)),
        "mongo" => Mongo(TestServers.UniqueName(name)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown store kind"),
    };

    private static StoreTarget Sqlite(string file) => new("sqlite", "sqlite:" + file, () => new SqliteStorage(dbFile: file), async () =>
    {
        var text = new StringBuilder();
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var table in tables)
        {
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    text.Append(reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)).Append('|');
                }

                text.AppendLine();
            }
        }

        return text.ToString();
    });

    private static StoreTarget Json(string directory) => new("json", "json:" + directory, () => new JsonStorage(dbPath: directory), () =>
    {
        var text = new StringBuilder();
        if (Directory.Exists(directory))
        {
            foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                text.Append(file).Append(": ").AppendLine(File.ReadAllText(file));
            }
        }

        return Task.FromResult(text.ToString());
    });

    private static StoreTarget Postgres(string schema)
    {
        var connectionString = TestServers.PostgresConnectionString();
        return new("postgres", TestServers.PostgresUri(schema), () => new PostgresStorage(connectionString, dbSchema: schema), async () =>
        {
            var text = new StringBuilder();
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            var tables = new List<string>();
            await using (var list = dataSource.CreateCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = $1"))
            {
                list.Parameters.AddWithValue(schema);
                await using var reader = await list.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    tables.Add(reader.GetString(0));
                }
            }

            foreach (var table in tables)
            {
                await using var select = dataSource.CreateCommand($"SELECT t::text FROM \"{schema}\".\"{table}\" t");
                await using var reader = await select.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    text.AppendLine(reader.GetString(0));
                }
            }

            return text.ToString();
        });
    }

    private static StoreTarget Redis(string prefix)
    {
        var endPoint = TestServers.RedisEndPoint();
        return new("redis", TestServers.RedisUri(prefix), () => new RedisStorage(endPoint, dbPrefix: prefix), async () =>
        {
            var text = new StringBuilder();
            using var admin = TestServers.RedisAdmin();
            var db = admin.GetDatabase();
            foreach (var server in admin.GetServers())
            {
                await foreach (var key in server.KeysAsync(pattern: "{" + prefix + ":*"))
                {
                    text.Append((string)key!).Append(" = ");
                    var type = await db.KeyTypeAsync(key);
                    switch (type)
                    {
                        case RedisType.Hash:
                            foreach (var entry in await db.HashGetAllAsync(key))
                            {
                                text.Append(entry.Name).Append(':').Append(entry.Value).Append(' ');
                            }

                            break;
                        case RedisType.SortedSet:
                            foreach (var entry in await db.SortedSetRangeByRankWithScoresAsync(key))
                            {
                                text.Append(entry.Element).Append(' ');
                            }

                            break;
                        case RedisType.String:
                            text.Append(await db.StringGetAsync(key));
                            break;
                        default:
                            text.Append(type);
                            break;
                    }

                    text.AppendLine();
                }
            }

            return text.ToString();
        });
    }

    private static StoreTarget Mongo(string database)
    {
        var uri = TestServers.MongoUri();
        return new("mongo", uri.TrimEnd('/') + "/" + database, () => new MongoStorage(uri, dbName: database), async () =>
        {
            var text = new StringBuilder();
            var client = new MongoClient(uri);
            var db = client.GetDatabase(database);
            // The stand-in server has no listCollections: the storage names every collection it uses.
            await using var storage = new MongoStorage(uri, dbName: database);
            string[] names = [storage.SessionCollection, storage.MessageCollection, storage.RunCollection, storage.SchemaCollection,
                storage.UserMemoryCollection, storage.KnowledgeCollection];
            foreach (var name in names)
            {
                var documents = await db.GetCollection<BsonDocument>(name).Find(FilterDefinition<BsonDocument>.Empty).ToListAsync();
                foreach (var document in documents)
                {
                    text.Append(name).Append(": ").AppendLine(document.ToJson());
                }
            }

            return text.ToString();
        });
    }
}
