using Upsonic.Benchmarks.Baselines;

namespace Upsonic.Benchmarks.Fixtures;

/// <summary>A pool of raw-baseline sessions of N stored turns on one engine; <see cref="DisposeAsync"/> deletes them.</summary>
public sealed class SeededRaw : IAsyncDisposable
{
    private readonly IRawTurns _raw;
    private long _appended;

    private SeededRaw(IRawTurns raw, SessionPool<RawSession> pool)
    {
        _raw = raw;
        Pool = pool;
    }

    /// <summary>The seeded sessions.</summary>
    public SessionPool<RawSession> Pool { get; }

    /// <summary>How many turns the fixture has appended.</summary>
    public long AppendedTurns => Interlocked.Read(ref _appended);

    /// <summary>Creates the raw tables and seeds <paramref name="sessions"/> sessions of <paramref name="storedTurns"/> turns.</summary>
    public static async Task<SeededRaw> CreateAsync(string backend, int storedTurns, int sessions)
    {
        var raw = Backends.CreateRaw(backend);
        await raw.CreateAsync();
        var ids = Enumerable.Range(0, sessions).Select(_ => "raw-" + Guid.NewGuid().ToString("N")).ToList();
        var seeded = new RawSession[sessions];
        await Parallel.ForEachAsync(Enumerable.Range(0, sessions), new ParallelOptions { MaxDegreeOfParallelism = Backends.SeedParallelism(backend) },
            async (i, _) => seeded[i] = await raw.SeedAsync(ids[i], storedTurns));

        // A baseline that read an empty or wrong window would measure nothing: check one.
        var window = await raw.TurnAsync(seeded[0], storedTurns + 1);
        if (window != 2 * Math.Min(RawSession.HistoryTurns, storedTurns))
        {
            throw new InvalidOperationException($"{backend} raw baseline read {window} messages, expected {2 * Math.Min(RawSession.HistoryTurns, storedTurns)}.");
        }

        return new SeededRaw(raw, new SessionPool<RawSession>(seeded));
    }

    /// <summary>One raw turn of the next session.</summary>
    public Task<int> TurnAsync() => TurnAsync(Pool.Next());

    /// <summary>One raw turn of <paramref name="session"/>.</summary>
    public Task<int> TurnAsync(RawSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        Interlocked.Increment(ref _appended);
        return _raw.TurnAsync(session, session.LastTurn + 1);
    }

    /// <summary>Disposes whichever of the two fixtures a case created (each case seeds one of them).</summary>
    public static async Task DisposeAsync(SeededMemories? memories, SeededRaw? raw)
    {
        if (memories is not null)
        {
            await memories.DisposeAsync();
        }

        if (raw is not null)
        {
            await raw.DisposeAsync();
        }
    }

    /// <summary>Deletes the seeded sessions and releases the driver.</summary>
    public async ValueTask DisposeAsync()
    {
        await _raw.DeleteAsync([.. Pool.Items.Select(s => s.SessionId)]);
        await _raw.DisposeAsync();
    }
}
