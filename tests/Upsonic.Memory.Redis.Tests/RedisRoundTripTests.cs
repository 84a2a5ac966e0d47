using StackExchange.Redis;
using StackExchange.Redis.Profiling;
using Upsonic.Storage;
using Upsonic.Storage.Redis;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Memory.Redis.Tests;

/// <summary>
/// The per-turn cost on Redis in commands and round trips, counted by StackExchange.Redis's profiler: commands created before
/// the earlier ones of a call completed were pipelined with them (one round trip); one created after they completed waited for them.
/// The profiler names a script call <c>EVAL</c>; StackExchange.Redis sends it as EVALSHA once the server has the script.
/// </summary>
public sealed class RedisRoundTripTests : IAsyncLifetime
{
    private readonly RedisTarget _target = new();
    private ConnectionMultiplexer _client = null!;
    private ProfilingSession? _profiling;
    private RedisStorage _storage = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await RedisTestServer.RequireAsync();
        _client = await ConnectionMultiplexer.ConnectAsync(RedisTestServer.Config);
        _client.RegisterProfiler(() => _profiling);
        _storage = new RedisStorage(_client, _target.NewPrefix());
        await _storage.EnsureCreatedAsync(Ct);

        // Every script once, so the counts below are of scripts the server already knows (no SCRIPT LOAD).
        await _storage.LoadSessionWindowAsync("warm-up", 10, Ct);
        await _storage.AppendRunAsync(Append("warm-up", Turn("r0", "q0")), Ct);
        await _storage.AppendRunAsync(Append("warm-up", Turn("r1", "q1")), Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _storage.DisposeAsync();
        await _client.DisposeAsync();
        await _target.DisposeAsync();
    }

    [Fact]
    public async Task Loading_a_window_is_one_script_in_one_round_trip()
    {
        await AppendTurnsAsync(_storage, "s1", 12, ct: Ct);

        var (commands, roundTrips) = await ProfileAsync(() => _storage.LoadSessionWindowAsync("s1", 10, Ct));

        Assert.Equal(["EVAL"], commands);
        Assert.Equal(1, roundTrips);
    }

    [Fact]
    public async Task Saving_the_turn_a_window_load_prepared_is_one_round_trip_with_one_script_and_one_index_command()
    {
        await AppendTurnsAsync(_storage, "s1", 12, ct: Ct);
        await _storage.LoadSessionWindowAsync("s1", 10, Ct);

        var (commands, roundTrips) = await ProfileAsync(() => _storage.AppendRunAsync(Append("s1", Turn("r13", "q13")), Ct));

        // The run index (another hash slot, one plain ZADD) and the session's writes (one script), pipelined.
        Assert.Equal(["ZADD", "EVAL"], commands);
        Assert.Equal(1, roundTrips);
        var window = await _storage.LoadSessionWindowAsync("s1", 2, Ct);
        Assert.Equal(["r12", "r13"], window!.Turns.Select(t => t.RunId));
    }

    [Fact]
    public async Task Saving_the_first_turn_of_a_new_session_after_its_window_load_is_one_round_trip()
    {
        Assert.Null(await _storage.LoadSessionWindowAsync("s1", 10, Ct));

        var (commands, roundTrips) = await ProfileAsync(async () =>
            Assert.True((await _storage.AppendRunAsync(Append("s1", Turn("r1", "q1", userId: "u1")), Ct)).SessionCreated));

        Assert.Equal(2, commands.Count);
        Assert.Equal(1, roundTrips);
        Assert.Equal(["s1"], Ids(await _storage.GetSessionsAsync(new SessionQuery { UserId = "u1" }, Ct)));
    }

    [Fact]
    public async Task Consecutive_saves_of_one_session_are_one_round_trip_each()
    {
        await _storage.LoadSessionWindowAsync("s1", 10, Ct);
        for (var i = 1; i <= 5; i++)
        {
            var (_, roundTrips) = await ProfileAsync(() => _storage.AppendRunAsync(Append("s1", Turn($"r{i}", $"q{i}")), Ct));
            Assert.Equal(1, roundTrips);
        }

        Assert.Equal(5, (await _storage.LoadSessionWindowAsync("s1", null, Ct))!.Turns.Count);
    }

    [Fact]
    public async Task A_save_after_another_writer_changed_the_session_reads_the_head_again_and_loses_nothing()
    {
        await AppendTurnsAsync(_storage, "s1", 2, ct: Ct);
        await _storage.LoadSessionWindowAsync("s1", 10, Ct);
        await using (var other = new RedisStorage(RedisTestServer.Config, _storage.DbPrefix))
        {
            await other.AppendRunAsync(Append("s1", Turn("r3", "q3")), Ct);
        }

        var (_, roundTrips) = await ProfileAsync(async () =>
            Assert.Equal(4, (await _storage.AppendRunAsync(Append("s1", Turn("r4", "q4")), Ct)).Sequence));

        Assert.Equal(3, roundTrips);
        var window = await _storage.LoadSessionWindowAsync("s1", null, Ct);
        Assert.Equal(["r1", "r2", "r3", "r4"], window!.Turns.Select(t => t.RunId));
    }

    [Fact]
    public async Task Saving_a_paused_run_again_after_a_window_load_keeps_its_sequence_and_counts_usage_once()
    {
        await _storage.AppendRunAsync(Append("s1", Run("r1", RunStatus.Paused, null, null, Usage(10, 5), User("q1"))), Ct);
        await _storage.LoadSessionWindowAsync("s1", 10, Ct);

        var result = await _storage.AppendRunAsync(Append("s1", Run("r1", RunStatus.Completed, null, null, Usage(30, 15), User("q1"), Assistant("a1"))), Ct);

        Assert.Equal(1, result.Sequence);
        Assert.Equal(1, result.MessagesAppended);
        Assert.False(result.RunCreated);
        var window = await _storage.LoadSessionWindowAsync("s1", null, Ct);
        Assert.Equal(45, window!.Session.Usage!.TotalTokenCount);
        Assert.Equal(2, window.Turns.Single().Messages.Count);
    }

    /// <summary>The commands <paramref name="call"/> sent, in order, and in how many round trips.</summary>
    private async Task<(List<string> Commands, int RoundTrips)> ProfileAsync(Func<Task> call)
    {
        _profiling = new ProfilingSession();
        await call();
        var commands = _profiling.FinishProfiling().OrderBy(c => c.CommandCreated).ToList();
        _profiling = null;

        var roundTrips = 0;
        var waveEnd = DateTime.MinValue;
        foreach (var command in commands)
        {
            var completed = command.CommandCreated + command.CreationToEnqueued + command.EnqueuedToSending + command.SentToResponse + command.ResponseToCompletion;
            if (command.CommandCreated >= waveEnd)
            {
                roundTrips++;
                waveEnd = completed;
            }
            else if (completed > waveEnd)
            {
                waveEnd = completed;
            }
        }

        return (commands.Select(c => c.Command).ToList(), roundTrips);
    }
}
