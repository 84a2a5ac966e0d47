using Npgsql;

namespace Upsonic.Memory.Postgres.Tests;

/// <summary>Observing, on the server, a statement that waits for another transaction's row lock.</summary>
internal static class PostgresLockWaits
{
    /// <summary>Waits (bounded by <paramref name="ct"/>) until a DELETE on this database waits for a row lock.</summary>
    public static async Task UntilADeleteWaitsAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var probe = dataSource.CreateCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'DELETE%'");
        while ((long)(await probe.ExecuteScalarAsync(ct))! == 0)
        {
            await Task.Yield();
        }
    }
}
