using Upsonic.Storage;
using Upsonic.Storage.Postgres;
using Upsonic.Storage.Redis;
using Upsonic.Storage.Sqlite;

namespace Upsonic.Benchmarks.Fixtures;

/// <summary>
/// The storage backends the benchmarks run against, created the way an application would create them.
/// PostgreSQL and Redis come from <c>UPSONIC_TEST_POSTGRES</c> / <c>UPSONIC_TEST_REDIS</c> (eng/test-servers/*.sh start);
/// a backend whose variable is missing is left out of the run with a message on stderr.
/// </summary>
public static class Backends
{
    /// <summary>The in-process reference storage.</summary>
    public const string InMemory = "InMemory";

    /// <summary>SqliteStorage on a file in the benchmark work directory.</summary>
    public const string Sqlite = "Sqlite";

    /// <summary>PostgresStorage in its own schema.</summary>
    public const string Postgres = "Postgres";

    /// <summary>RedisStorage under its own key prefix.</summary>
    public const string Redis = "Redis";

    /// <summary>Benchmark data goes to this schema / key prefix, never to the test suites' ones.</summary>
    public const string Namespace = "upsonic_bench";

    private static readonly HashSet<string> Reported = [];

    /// <summary>Where SQLite files go: a per-process folder in the temp directory, deleted by <see cref="DeleteWorkDirectory"/>.</summary>
    public static string WorkDirectory { get; } = CreateWorkDirectory();

    /// <summary>The PostgreSQL connection string, or null.</summary>
    public static string? PostgresUrl => Environment.GetEnvironmentVariable("UPSONIC_TEST_POSTGRES");

    /// <summary>The Redis configuration string, or null.</summary>
    public static string? RedisUrl => Environment.GetEnvironmentVariable("UPSONIC_TEST_REDIS");

    /// <summary>The SQLite file shared by all SQLite benchmarks of this process.</summary>
    public static string SqliteFile => Path.Combine(WorkDirectory, "bench.db");

    /// <summary>Keeps the backends that can run here, and says once on stderr why any other is skipped.</summary>
    public static IEnumerable<string> Available(params string[] names)
    {
        foreach (var name in names)
        {
            var missing = name switch
            {
                Postgres when string.IsNullOrWhiteSpace(PostgresUrl) => "UPSONIC_TEST_POSTGRES",
                Redis when string.IsNullOrWhiteSpace(RedisUrl) => "UPSONIC_TEST_REDIS",
                _ => null,
            };
            if (missing is null)
            {
                yield return name;
            }
            else if (Reported.Add(name))
            {
                Console.Error.WriteLine(
                    $"Skipping the {name} benchmarks: {missing} is not set. Run eval \"$(eng/test-servers/{name.ToLowerInvariant()}.sh start)\" first.");
            }
        }
    }

    /// <summary>Creates a storage for <paramref name="name"/>.</summary>
    public static IStorage Create(string name) => name switch
    {
        InMemory => new InMemoryStorage(),
        Sqlite => new SqliteStorage(dbFile: SqliteFile),
        Postgres => new PostgresStorage(PostgresUrl!, dbSchema: Namespace),
        // Long timeouts: seeding writes a 20,000-turn session in one script (tens of MB) on a loaded machine.
        Redis => new RedisStorage(RedisUrl + ",asyncTimeout=120000,syncTimeout=120000", dbPrefix: Namespace),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown backend."),
    };

    /// <summary>Creates the raw-driver baseline for the server backend <paramref name="name"/> (same engine, same database).</summary>
    public static Baselines.IRawTurns CreateRaw(string name) => name switch
    {
        Sqlite => new Baselines.RawSqliteTurns(SqliteFile),
        Postgres => new Baselines.RawPostgresTurns(PostgresUrl!, Namespace),
        Redis => new Baselines.RawRedisTurns(RedisUrl + ",asyncTimeout=120000,syncTimeout=120000", Namespace),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "No raw baseline for this backend."),
    };

    /// <summary>How many sessions a seeding step writes at once: one on SQLite (one writer), four on the servers.</summary>
    public static int SeedParallelism(string name) => name == Sqlite ? 1 : 4;

    /// <summary>Deletes the SQLite work folder (after the run; pooled connections are released first so the files can go).</summary>
    public static void DeleteWorkDirectory()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(WorkDirectory))
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
    }

    private static string CreateWorkDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "upsonic-bench-" + Environment.ProcessId);
        Directory.CreateDirectory(path);
        return path;
    }
}
