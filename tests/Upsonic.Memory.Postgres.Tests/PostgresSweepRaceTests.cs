using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Upsonic.Storage;
using Upsonic.Storage.Postgres;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Memory.Postgres.Tests;

/// <summary>The expiry sweep against a concurrent write of the session it is deleting: the write that revives the session wins.</summary>
public sealed class PostgresSweepRaceTests : IAsyncLifetime
{
    private readonly PostgresTarget _target = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private PostgresStorage _storage = null!;
    private NpgsqlDataSource _raw = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _storage = (PostgresStorage)await _target.CreateExpiringAsync(60, _clock);
        _raw = NpgsqlDataSource.Create(await PostgresTestServer.ConnectionStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        await _raw.DisposeAsync();
        await _storage.DisposeAsync();
        await _target.DisposeAsync();
    }

    [Fact]
    public async Task A_sweep_that_meets_a_session_revived_by_another_writer_keeps_it()
    {
        await AppendTurnsAsync(_storage, "s1", 1, ct: Ct);
        _clock.Advance(TimeSpan.FromSeconds(61));

        // Another writer revives s1 in a transaction that is still open, so the sweep's DELETE has to wait for its row lock.
        await using var writer = await _raw.OpenConnectionAsync(Ct);
        await using var revive = await writer.BeginTransactionAsync(Ct);
        await using (var touch = new NpgsqlCommand(
            $"UPDATE \"{_storage.DbSchema}\".\"{_storage.SessionTable}\" SET updated_at = $1 WHERE session_id = 's1'", writer, revive))
        {
            touch.Parameters.Add(new NpgsqlParameter { Value = _clock.GetUtcNow().ToUnixTimeMilliseconds() });
            Assert.Equal(1, await touch.ExecuteNonQueryAsync(Ct));
        }

        // The first write of this storage runs the periodic sweep, which picked s1 (expired in its snapshot) and now waits.
        var sweepingWrite = _storage.AppendRunAsync(Append("other", Turn("r1", "q1")), Ct);
        await PostgresLockWaits.UntilADeleteWaitsAsync(_raw, Ct);
        await revive.CommitAsync(Ct);
        await sweepingWrite;

        var revived = await _storage.GetSessionAsync("s1", cancellationToken: Ct);
        Assert.NotNull(revived);
        Assert.Equal(2, revived.Messages.Count);
    }
}
