using Npgsql;

namespace Upsonic.Memory.Postgres.Tests;

/// <summary>
/// The PostgreSQL server the tests use: the Npgsql connection string in <c>UPSONIC_TEST_POSTGRES</c>, checked once per test run.
/// Without a reachable server the tests fail under <c>CI=true</c> and skip otherwise, saying how to start one.
/// </summary>
internal static class PostgresTestServer
{
    public const string Variable = "UPSONIC_TEST_POSTGRES";

    private const string HowToStart =
        "Start the throwaway test server with: eval \"$(eng/test-servers/postgres.sh start)\" (from the repository root), " +
        "or set " + Variable + " to an Npgsql connection string of a server where the user may create schemas.";

    private static readonly Lazy<Task<string?>> Reachable = new(ProbeAsync);

    /// <summary>The connection string, or a skip (locally) / failure (CI) when no server is reachable.</summary>
    public static async Task<string> ConnectionStringAsync()
    {
        var connectionString = await Reachable.Value.ConfigureAwait(false);
        if (connectionString is not null)
        {
            return connectionString;
        }

        var reason = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 }
            ? $"The PostgreSQL server in {Variable} is not reachable."
            : $"{Variable} is not set.";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{reason} CI=true requires it. {HowToStart}");
        }

        Assert.Skip($"{reason} {HowToStart}");
        throw new System.Diagnostics.UnreachableException();
    }

    private static async Task<string?> ProbeAsync()
    {
        var value = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(value) { Timeout = 5 };
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync().ConfigureAwait(false);
            return value;
        }
        catch (Exception ex) when (ex is NpgsqlException or ArgumentException or TimeoutException)
        {
            return null;
        }
    }
}
