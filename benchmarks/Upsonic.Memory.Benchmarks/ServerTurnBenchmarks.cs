using BenchmarkDotNet.Attributes;
using Upsonic.Benchmarks.Fixtures;
using Upsonic.Storage;

namespace Upsonic.Benchmarks;

/// <summary>
/// One turn on a server backend, side by side with the raw driver's floor on the same engine (<see cref="Baselines.IRawTurns"/>),
/// at 10, 1,000 and 10,000 stored turns: the library's turn is Memory.PrepareAsync + Memory.SaveRunAsync of a user + assistant
/// turn (full session memory, NumLastMessages = 10, no model). Targets: the Memory row's Ratio at most 1.15; Median(10,000) /
/// Median(10) at most 1.1; Allocated flat. One class per backend so each gets invocation counts that make iterations of 100 ms+.
/// </summary>
public abstract class ServerTurnBenchmarks
{
    private SeededMemories? _memories;
    private SeededRaw? _raw;
    private CaseProbe _probe = null!;
    private int _sessions;

    /// <summary>How many turns the session holds before the measured turns.</summary>
    [Params(10, 1_000, 10_000)]
    public int StoredTurns { get; set; }

    /// <summary>The backend of the derived class.</summary>
    protected abstract string Backend { get; }

    private static int TurnsPerCase => SteadyStateConfig.TurnsPerCase(DatabaseTurnConfig.Invocations);

    /// <summary>Seeds the Memory sessions.</summary>
    [GlobalSetup(Target = nameof(MemoryTurn))]
    public async Task SetupMemoryAsync()
    {
        _sessions = SessionPool<Memory>.SizeFor(StoredTurns, TurnsPerCase);
        _memories = await SeededMemories.CreateAsync(Backend, StoredTurns, _sessions);
        _probe = new CaseProbe($"{Backend}TurnBenchmarks.{nameof(MemoryTurn)}({StoredTurns})", DatabaseTurnConfig.Invocations, SteadyStateConfig.WarmupIterations);
    }

    /// <summary>Seeds the raw sessions.</summary>
    [GlobalSetup(Target = nameof(RawTurn))]
    public async Task SetupRawAsync()
    {
        _sessions = SessionPool<Memory>.SizeFor(StoredTurns, TurnsPerCase);
        _raw = await SeededRaw.CreateAsync(Backend, StoredTurns, _sessions);
        _probe = new CaseProbe($"{Backend}TurnBenchmarks.{nameof(RawTurn)}({StoredTurns})", DatabaseTurnConfig.Invocations, SteadyStateConfig.WarmupIterations);
    }

    /// <summary>Reports the case and deletes its sessions.</summary>
    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _probe?.Report(SessionPool<Memory>.GrowthNote(StoredTurns, _sessions, _memories?.AppendedTurns ?? _raw?.AppendedTurns ?? 0));
        await SeededRaw.DisposeAsync(_memories, _raw);
        (_memories, _raw) = (null, null);
    }

    /// <summary>The raw floor: one read (head + last 10 turns), one write (2 messages + run + head).</summary>
    [Benchmark(Baseline = true, Description = "Raw driver (1 read + 1 write)")]
    public Task<int> RawTurn()
    {
        _probe.Tick();
        return _raw!.TurnAsync();
    }

    /// <summary>The library's turn.</summary>
    [Benchmark(Description = "Memory turn (prepare + save)")]
    public Task<MemoryContext> MemoryTurn()
    {
        _probe.Tick();
        return _memories!.TurnAsync();
    }
}

/// <summary><see cref="ServerTurnBenchmarks"/> on SqliteStorage (a file in the temp directory) against raw Microsoft.Data.Sqlite.</summary>
[Config(typeof(DatabaseTurnConfig))]
public class SqliteTurnBenchmarks : ServerTurnBenchmarks
{
    /// <inheritdoc />
    protected override string Backend => Backends.Sqlite;
}

/// <summary><see cref="ServerTurnBenchmarks"/> on PostgresStorage against raw Npgsql.</summary>
[Config(typeof(DatabaseTurnConfig))]
public class PostgresTurnBenchmarks : ServerTurnBenchmarks
{
    /// <inheritdoc />
    protected override string Backend => Backends.Postgres;
}

/// <summary><see cref="ServerTurnBenchmarks"/> on RedisStorage against raw StackExchange.Redis.</summary>
[Config(typeof(DatabaseTurnConfig))]
public class RedisTurnBenchmarks : ServerTurnBenchmarks
{
    /// <inheritdoc />
    protected override string Backend => Backends.Redis;
}
