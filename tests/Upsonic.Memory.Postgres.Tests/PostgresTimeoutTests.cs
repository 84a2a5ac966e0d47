using Npgsql;
using Upsonic.Storage;
using Upsonic.Storage.Postgres;

namespace Upsonic.Memory.Postgres.Tests;

/// <summary>A call the server cannot answer (its table locked by another session): the command timeout bounds it, and cancellation ends it early.</summary>
public sealed class PostgresTimeoutTests : IAsyncLifetime
{
    private readonly PostgresTarget _target = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task A_blocked_call_fails_after_the_command_timeout_of_the_connection_string_with_a_storage_exception()
    {
        var storage = (PostgresStorage)await _target.CreateAsync();
        await storage.EnsureCreatedAsync(Ct);
        var connectionString = await PostgresTestServer.ConnectionStringAsync();
        await using var quick = new PostgresStorage(connectionString + ";Command Timeout=1", storage.DbSchema);
        await using var holder = await LockSessionsAsync(connectionString, storage);

        var ex = await Assert.ThrowsAsync<StorageException>(() => quick.GetSessionAsync("s1", cancellationToken: Ct));

        Assert.Equal("GetSession", ex.Operation);
        await storage.DisposeAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task Cancelling_a_blocked_call_ends_it_before_the_command_timeout()
    {
        var storage = (PostgresStorage)await _target.CreateAsync();
        await storage.EnsureCreatedAsync(Ct);
        var connectionString = await PostgresTestServer.ConnectionStringAsync();
        await using var patient = new PostgresStorage(connectionString + ";Command Timeout=3600", storage.DbSchema);
        await using var holder = await LockSessionsAsync(connectionString, storage);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => patient.GetSessionAsync("s1", cancellationToken: cts.Token));
        await storage.DisposeAsync();
    }

    /// <summary>Another session holding an exclusive lock on the session table until disposed.</summary>
    private static async Task<NpgsqlConnection> LockSessionsAsync(string connectionString, PostgresStorage storage)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"BEGIN; LOCK TABLE \"{storage.DbSchema}\".\"{storage.SessionTable}\" IN ACCESS EXCLUSIVE MODE;";
        await command.ExecuteNonQueryAsync(Ct);
        return connection;
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _target.DisposeAsync();
}
