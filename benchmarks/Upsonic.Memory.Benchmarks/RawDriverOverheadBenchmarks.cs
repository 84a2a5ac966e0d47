using BenchmarkDotNet.Attributes;
using Upsonic.Benchmarks.Baselines;
using Upsonic.Benchmarks.Fixtures;
using Upsonic.Storage;

namespace Upsonic.Benchmarks;

/// <summary>
/// DESIGN.md 9, fourth bullet: a turn through Memory + SqliteStorage versus the minimal raw Microsoft.Data.Sqlite round trips
/// (<see cref="RawSqliteTurns"/>: one read of the last 10 turns' messages, one insert transaction of 2 messages) on the same file
/// and table, both at 1,000 stored turns. The raw driver is the baseline row; the Memory row's Ratio is the overhead. Target: at most 1.5.
/// The storage-only row (the two SqliteStorage calls of a turn, without Memory) splits the overhead between SqliteStorage and Memory.
/// </summary>
[Config(typeof(ShortTurnConfig))]
[MemoryDiagnoser]
public class RawDriverOverheadBenchmarks
{
    private const int StoredTurns = 1_000;
    private SeededMemories? _memories;
    private RawSqliteTurns _raw = null!;
    private SessionPool<RawSession> _rawSessions = null!;
    private long _turn;

    private static int PoolSize => SessionPool<RawSession>.SizeFor(StoredTurns, ShortTurnConfig.TurnsPerCase);

    /// <summary>Seeds the Memory sessions.</summary>
    [GlobalSetup(Targets = [nameof(MemoryTurn), nameof(StorageOnlyTurn)])]
    public async Task SetupMemoryAsync() => _memories = await SeededMemories.CreateAsync(Backends.Sqlite, StoredTurns, PoolSize);

    /// <summary>Seeds the raw sessions in SqliteStorage's own tables (same layout: 2 history rows per turn).</summary>
    [GlobalSetup(Target = nameof(RawDriverTurn))]
    public async Task SetupRawAsync()
    {
        await using var storage = Backends.Create(Backends.Sqlite);
        var sessions = new List<RawSession>();
        for (var i = 0; i < PoolSize; i++)
        {
            var id = "raw-" + Guid.NewGuid().ToString("N");
            await storage.UpsertSessionAsync(Conversation.Session(id, StoredTurns));
            sessions.Add(new RawSession(id, StoredTurns, 2 * StoredTurns));
        }

        _raw = new RawSqliteTurns(Backends.SqliteFile, storage.SessionTable + "_messages");
        _rawSessions = new SessionPool<RawSession>(sessions);
    }

    /// <summary>Deletes the seeded sessions.</summary>
    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_memories is not null)
        {
            await _memories.DisposeAsync();
            _memories = null;
        }

        if (_rawSessions is not null)
        {
            await using var storage = Backends.Create(Backends.Sqlite);
            await storage.DeleteSessionsAsync([.. _rawSessions.Items.Select(s => s.SessionId)]);
            _rawSessions = null!;
        }
    }

    /// <summary>The raw floor: one read, one insert transaction.</summary>
    [Benchmark(Baseline = true, Description = "Raw Microsoft.Data.Sqlite (1 read + 1 insert tx)")]
    public Task RawDriverTurn()
    {
        var turn = Interlocked.Increment(ref _turn);
        return _raw.TurnAsync(_rawSessions.Next(), Conversation.Messages(turn));
    }

    /// <summary>The same turn through Memory.PrepareAsync + Memory.SaveRunAsync.</summary>
    [Benchmark(Description = "Memory + SqliteStorage turn")]
    public Task<MemoryContext> MemoryTurn() => _memories!.TurnAsync();

    /// <summary>The same storage calls without Memory: LoadSessionWindowAsync + AppendRunAsync.</summary>
    [Benchmark(Description = "SqliteStorage window+append only")]
    public Task<SessionWindow?> StorageOnlyTurn() => _memories!.StorageTurnAsync();
}
