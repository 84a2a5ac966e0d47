namespace Upsonic.Memory.Tool.Locations;

/// <summary>The engines a storage URI can name.</summary>
internal enum StorageKind
{
    /// <summary><c>sqlite:path.db</c>: <c>SqliteStorage</c>.</summary>
    Sqlite,

    /// <summary><c>json:dir</c>: <c>JsonStorage</c>.</summary>
    Json,

    /// <summary><c>postgres://user:pass@host:port/db?schema=s</c>: <c>PostgresStorage</c>.</summary>
    Postgres,

    /// <summary><c>redis://host:port?prefix=p</c>: <c>RedisStorage</c>.</summary>
    Redis,

    /// <summary><c>mongodb://host:port/db</c>: <c>MongoStorage</c>.</summary>
    Mongo,

    /// <summary><c>mem0:https://api.mem0.ai</c> (platform) or <c>mem0:http://host:port?deployment=self_hosted</c>: <c>Mem0Storage</c>.</summary>
    Mem0,
}
