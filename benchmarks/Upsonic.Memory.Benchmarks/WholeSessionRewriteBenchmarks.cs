using BenchmarkDotNet.Attributes;
using Upsonic.Benchmarks.Baselines;
using Upsonic.Benchmarks.Fixtures;
using Upsonic.Storage;

namespace Upsonic.Benchmarks;

/// <summary>
/// DESIGN.md 9, second bullet: a turn at 1,000 stored turns through this library (baseline row) versus upstream's
/// whole-session rewrite on the same engine (one row per session, read + deserialize + append + serialize + write back).
/// The Ratio column of the rewrite rows is how many times slower they are. Target: at least 20.
/// Two rewrite rows: the minimal one (one read + one write per turn) and the traffic upstream really has with full session
/// memory on (UPSTREAM.md 2.8: prepare reads the whole session, the save reads it again, then rewrites it).
/// </summary>
[Config(typeof(RewriteConfig))]
public class WholeSessionRewriteBenchmarks
{
    private const int StoredTurns = 1_000;
    private SeededMemories? _memories;
    private IWholeSessionStore? _rewrite;
    private SessionPool<string> _rewriteSessions = null!;
    private long _turn;

    /// <summary>The engine both sides run on.</summary>
    [ParamsSource(nameof(EngineNames))]
    public string Engine { get; set; } = Backends.Sqlite;

    /// <summary>SQLite, and PostgreSQL when its server is configured.</summary>
    public static IEnumerable<string> EngineNames() => Backends.Available(Backends.Sqlite, Backends.Postgres);

    private static int PoolSize => SessionPool<string>.SizeFor(StoredTurns, SteadyStateConfig.TurnsPerCase(RewriteConfig.Invocations, RewriteConfig.Warmup, RewriteConfig.Measured));

    /// <summary>Seeds this library's sessions.</summary>
    [GlobalSetup(Target = nameof(AppendOnlyTurn))]
    public async Task SetupAppendOnlyAsync() => _memories = await SeededMemories.CreateAsync(Engine, StoredTurns, PoolSize);

    /// <summary>Creates the rewrite table and seeds its session documents.</summary>
    [GlobalSetup(Targets = [nameof(WholeSessionRewriteTurn), nameof(UpstreamTrafficTurn)])]
    public async Task SetupRewriteAsync()
    {
        _rewrite = Engine == Backends.Sqlite
            ? new SqliteWholeSessionStore(Backends.SqliteFile)
            : new PostgresWholeSessionStore(Backends.PostgresUrl!, Backends.Namespace);
        await _rewrite.CreateAsync();
        var document = SessionDocument.Create(StoredTurns);
        var ids = Enumerable.Range(0, PoolSize).Select(_ => "rewrite-" + Guid.NewGuid().ToString("N")).ToList();
        foreach (var id in ids)
        {
            await _rewrite.SeedAsync(id, document);
        }

        _rewriteSessions = new SessionPool<string>(ids);
    }

    /// <summary>Deletes whatever this case seeded.</summary>
    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_memories is not null)
        {
            await _memories.DisposeAsync();
            _memories = null;
        }

        if (_rewrite is not null)
        {
            await _rewrite.DeleteAsync(_rewriteSessions.Items);
            await _rewrite.DisposeAsync();
            _rewrite = null;
        }
    }

    /// <summary>This library: prepare (head + last 10 turns) + append-only save.</summary>
    [Benchmark(Baseline = true, Description = "Upsonic.Memory turn (append-only)")]
    public Task<MemoryContext> AppendOnlyTurn() => _memories!.TurnAsync();

    /// <summary>Upstream's pattern: one transaction that reads, deserializes, appends, serializes and rewrites the session row.</summary>
    [Benchmark(Description = "Whole-session rewrite turn (upstream pattern)")]
    public Task WholeSessionRewriteTurn()
    {
        var turn = Interlocked.Increment(ref _turn);
        return _rewrite!.TurnAsync(_rewriteSessions.Next(), Conversation.Messages(turn));
    }

    /// <summary>Upstream's reads with full session memory: prepare reads and deserializes the whole session, then the rewrite turn.</summary>
    [Benchmark(Description = "Upstream traffic: prepare read + rewrite turn")]
    public async Task<int> UpstreamTrafficTurn()
    {
        var sessionId = _rewriteSessions.Next();
        var history = await _rewrite!.ReadAsync(sessionId);
        var turn = Interlocked.Increment(ref _turn);
        await _rewrite.TurnAsync(sessionId, Conversation.Messages(turn));
        return history.Count;
    }
}
