using System.Diagnostics;
using Upsonic.Storage;
using Upsonic.Storage.Postgres;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Memory.Postgres.Tests;

/// <summary>
/// The per-turn cost on PostgreSQL in round trips: Npgsql starts one activity (source <c>Npgsql</c>) per command or batch it sends,
/// so the activities started under a test's own parent activity are the round trips of the call made under it.
/// </summary>
public sealed class PostgresRoundTripTests : IAsyncLifetime
{
    private static readonly ActivitySource Test = new("Upsonic.Memory.Postgres.Tests.RoundTrips");

    private readonly PostgresTarget _target = new();
    private PostgresStorage _storage = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _storage = (PostgresStorage)await _target.CreateAsync();
        await _storage.EnsureCreatedAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _storage.DisposeAsync();
        await _target.DisposeAsync();
    }

    [Fact]
    public async Task Saving_a_turn_of_a_new_session_is_one_round_trip()
    {
        var sent = await RoundTripsAsync(() => _storage.AppendRunAsync(Append("s1", Turn("r1", "q1")), Ct));

        Assert.Equal(1, sent);
        Assert.Equal(2, (await _storage.LoadSessionWindowAsync("s1", null, Ct))!.Turns.Single().Messages.Count);
    }

    [Fact]
    public async Task Saving_a_turn_of_a_long_session_is_one_round_trip()
    {
        await AppendTurnsAsync(_storage, "s1", 12, ct: Ct);

        var sent = await RoundTripsAsync(() => _storage.AppendRunAsync(Append("s1", Turn("r13", "q13")), Ct));

        Assert.Equal(1, sent);
    }

    [Fact]
    public async Task Saving_a_paused_run_again_is_one_round_trip()
    {
        await _storage.AppendRunAsync(Append("s1", Run("r1", RunStatus.Paused, null, null, Usage(1, 1), User("q1"))), Ct);

        var sent = await RoundTripsAsync(() => _storage.AppendRunAsync(
            Append("s1", Run("r1", RunStatus.Completed, null, null, Usage(2, 2), User("q1"), Assistant("a1"))), Ct));

        Assert.Equal(1, sent);
    }

    [Fact]
    public async Task Loading_the_window_of_a_long_session_is_one_round_trip()
    {
        await AppendTurnsAsync(_storage, "s1", 12, ct: Ct);

        var sent = await RoundTripsAsync(() => _storage.LoadSessionWindowAsync("s1", 10, Ct));

        Assert.Equal(1, sent);
    }

    [Fact]
    public async Task Loading_the_window_of_a_missing_session_is_one_round_trip()
    {
        Assert.Equal(1, await RoundTripsAsync(() => _storage.LoadSessionWindowAsync("missing", 10, Ct)));
    }

    [Fact]
    public async Task Every_turn_stays_one_round_trip_each_way_once_statements_are_prepared()
    {
        // Npgsql prepares a statement on its fifth use on a connection: turns after that run the prepared statements.
        for (var i = 1; i <= 8; i++)
        {
            Assert.Equal(1, await RoundTripsAsync(() => _storage.LoadSessionWindowAsync("s1", 10, Ct)));
            Assert.Equal(1, await RoundTripsAsync(() => _storage.AppendRunAsync(Append("s1", Turn($"r{i}", $"q{i}")), Ct)));
        }

        var window = await _storage.LoadSessionWindowAsync("s1", 10, Ct);
        Assert.Equal(Enumerable.Range(1, 8).Select(i => $"r{i}"), window!.Turns.Select(t => t.RunId));
        Assert.All(window.Turns, t => Assert.Equal(2, t.Messages.Count));
    }

    [Fact]
    public async Task Turns_run_prepared_statements_and_both_window_reads_with_their_generic_plans()
    {
        // One pooled connection, so this test's query sees the storage's prepared statements (pg_prepared_statements is per connection).
        var connectionString = new Npgsql.NpgsqlConnectionStringBuilder(await PostgresTestServer.ConnectionStringAsync())
        {
            MaxAutoPrepare = PostgresConnectionString.DefaultMaxAutoPrepare, NoResetOnClose = true, MaxPoolSize = 1,
        }.ConnectionString;
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(connectionString);
        await using var storage = new PostgresStorage(dataSource, _storage.DbSchema);
        for (var i = 1; i <= 10; i++)
        {
            var window = await storage.LoadSessionWindowAsync("s1", 10, Ct);
            await storage.AppendRunAsync(Append("s1", Turn($"r{i}", $"q{i}")), Ct);
            if (window?.Mark is { } mark)
            {
                var since = await storage.LoadSessionWindowAsync(new SessionWindowRequest { SessionId = "s1", HistoryTurns = 10, Since = mark }, Ct);
                Assert.True(since!.IsIncremental);
                Assert.Equal($"r{i}", Assert.Single(since.Turns).RunId);
            }
        }

        foreach (var (pattern, name) in new[] { ("%WITH RECURSIVE walk%", "full window"), ("%message_count - $3 <= $4%", "incremental") })
        {
            await using var command = dataSource.CreateCommand(
                "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE $1");
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = pattern });
            await using var reader = await command.ExecuteReaderAsync(Ct);
            Assert.True(await reader.ReadAsync(Ct), $"The {name} statement is not prepared.");
            Assert.True(reader.GetInt64(0) >= 5, $"The {name} statement ran {reader.GetInt64(0)} times with its generic plan.");
            Assert.Equal(0, reader.GetInt64(1));
        }
    }

    [Fact]
    public async Task A_read_from_a_held_mark_is_one_round_trip_and_a_mark_the_history_moved_past_takes_a_second_for_the_full_window()
    {
        await AppendTurnsAsync(_storage, "s1", 3, ct: Ct);
        var held = (await _storage.LoadSessionWindowAsync("s1", 10, Ct))!.Mark!;
        await _storage.AppendRunAsync(Append("s1", Turn("r4", "q4")), Ct);

        SessionWindow? since = null;
        var sent = await RoundTripsAsync(async () => since = await _storage.LoadSessionWindowAsync(new SessionWindowRequest { SessionId = "s1", HistoryTurns = 10, Since = held }, Ct));
        Assert.Equal(1, sent);
        Assert.True(since!.IsIncremental);
        Assert.Equal("r4", Assert.Single(since.Turns).RunId);

        // Another writer stores more messages than an incremental read returns: the answer is the full window.
        for (var i = 5; i <= 40; i++)
        {
            await _storage.AppendRunAsync(Append("s1", Turn($"r{i}", $"q{i}")), Ct);
        }

        SessionWindow? full = null;
        sent = await RoundTripsAsync(async () => full = await _storage.LoadSessionWindowAsync(new SessionWindowRequest { SessionId = "s1", HistoryTurns = 10, Since = held }, Ct));
        Assert.Equal(2, sent);
        Assert.False(full!.IsIncremental);
        Assert.Equal(Enumerable.Range(31, 10).Select(i => $"r{i}"), full.Turns.Select(t => t.RunId));
    }

    /// <summary>How many commands or batches Npgsql sent while <paramref name="call"/> ran.</summary>
    private static async Task<int> RoundTripsAsync(Func<Task> call)
    {
        var sent = 0;
        var test = Test; // created before the listener looks at the sources
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Npgsql" || source == test,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var root = test.StartActivity("call")!;
        listener.ActivityStarted = activity =>
        {
            if (activity.Source.Name == "Npgsql" && IsUnder(activity, root))
            {
                Interlocked.Increment(ref sent);
            }
        };
        await call();
        return sent;
    }

    private static bool IsUnder(Activity activity, Activity root)
    {
        for (var parent = activity.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent == root)
            {
                return true;
            }
        }

        return false;
    }
}
