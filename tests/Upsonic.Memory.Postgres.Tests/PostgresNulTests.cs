using System.Text.Json.Nodes;
using Npgsql;
using Upsonic.Storage;
using Upsonic.Storage.Postgres;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Memory.Postgres.Tests;

/// <summary>
/// U+0000 (NUL), which PostgreSQL text and jsonb cannot hold, round-trips losslessly in messages, summaries, metadata, profiles
/// and ids; ordinary values are stored unchanged, so they stay queryable.
/// </summary>
public sealed class PostgresNulTests : IAsyncLifetime
{
    private const string WithNul = "before\0after";
    private readonly PostgresTarget _target = new();
    private PostgresStorage _storage = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _storage = (PostgresStorage)await _target.CreateAsync();

    public async ValueTask DisposeAsync()
    {
        await _storage.DisposeAsync();
        await _target.DisposeAsync();
    }

    [Fact]
    public async Task A_message_with_nul_round_trips_through_append_window_and_record_reads()
    {
        await _storage.AppendRunAsync(Append("s1", Run("r1", RunStatus.Completed, null, null, null, User(WithNul), Assistant("\0"))), Ct);

        var window = await _storage.LoadSessionWindowAsync("s1", null, Ct);
        Assert.Equal([WithNul, "\0"], Assert.Single(window!.Turns).Messages.Select(m => m.Text));
        var session = await _storage.GetSessionAsync("s1", cancellationToken: Ct);
        Assert.Equal(WithNul, session!.Messages[0].Text);
        Assert.Equal(WithNul, session.Runs[0].Messages[0].Text);
    }

    [Fact]
    public async Task A_summary_with_nul_round_trips()
    {
        await _storage.AppendRunAsync(Append("s1", Turn("r1", "q")), Ct);

        Assert.True(await _storage.UpdateSummaryAsync("s1", WithNul, 1, Ct));

        var window = await _storage.LoadSessionWindowAsync("s1", 0, Ct);
        Assert.Equal(WithNul, window!.Session.Summary);
    }

    [Fact]
    public async Task Metadata_keys_and_values_with_nul_round_trip_through_merge_and_upsert()
    {
        await _storage.AppendRunAsync(Append("s1", Turn("r1", "q")), Ct);
        Assert.True(await _storage.MergeSessionMetadataAsync("s1", new JsonObject { ["k\0"] = WithNul, ["plain"] = "value" }, Ct));
        Assert.True(await _storage.MergeSessionMetadataAsync("s1", new JsonObject { ["other"] = new JsonArray("\0") }, Ct));

        var metadata = (await _storage.GetSessionAsync("s1", cancellationToken: Ct))!.Metadata!;
        Assert.Equal(WithNul, metadata["k\0"]!.GetValue<string>());
        Assert.Equal("\0", metadata["other"]![0]!.GetValue<string>());

        var session = Session("s2");
        session.Metadata = new JsonObject { ["x"] = WithNul };
        session.SessionData = new JsonObject { ["\0"] = 1 };
        var stored = await _storage.UpsertSessionAsync(session, Ct);
        Assert.Equal(WithNul, stored.Metadata!["x"]!.GetValue<string>());
        Assert.Equal(1, stored.SessionData!["\0"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_profile_and_run_fields_with_nul_round_trip()
    {
        var profile = await _storage.UpdateUserProfileAsync(new ProfileUpdate { UserId = "u\0", Traits = new JsonObject { ["name"] = WithNul } }, Ct);
        Assert.Equal(WithNul, profile.Profile["name"]!.GetValue<string>());
        Assert.Equal("u\0", (await _storage.GetUserMemoryAsync("u\0", cancellationToken: Ct))!.UserId);

        var run = Turn("r\0", "q");
        run.Input = WithNul;
        run.Error = "\0";
        await _storage.AppendRunAsync(Append("s\0", run), Ct);
        var stored = await _storage.GetRunAsync("s\0", "r\0", Ct);
        Assert.Equal(WithNul, stored!.Input);
        Assert.Equal("\0", stored.Error);
    }

    [Fact]
    public async Task Ordinary_values_are_stored_unchanged_and_stay_queryable_in_sql()
    {
        await _storage.AppendRunAsync(Append("s1", Turn("r1", "q")), Ct);
        await _storage.MergeSessionMetadataAsync("s1", new JsonObject { ["topic"] = "weather \uE000 ok" }, Ct);

        await using var dataSource = NpgsqlDataSource.Create(Environment.GetEnvironmentVariable(PostgresTestServer.Variable)!);
        await using var plain = dataSource.CreateCommand(
            $"SELECT count(*) FROM \"{_storage.DbSchema}\".\"{_storage.SessionTable}\" WHERE metadata->>'topic' LIKE 'weather%' AND session_id = 's1'");
        Assert.Equal(1L, await plain.ExecuteScalarAsync(Ct));
        Assert.Equal("weather \uE000 ok", (await _storage.GetSessionAsync("s1", cancellationToken: Ct))!.Metadata!["topic"]!.GetValue<string>());
    }
}
