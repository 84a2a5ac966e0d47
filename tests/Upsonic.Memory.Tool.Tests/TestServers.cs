using Npgsql;
using StackExchange.Redis;

namespace Upsonic.Memory.Tool.Tests;

/// <summary>
/// The servers the tests use, as the tool's URIs: PostgreSQL from <c>UPSONIC_TEST_POSTGRES</c> (an Npgsql connection string),
/// Redis from <c>UPSONIC_TEST_REDIS</c> (host:port), MongoDB from <c>MONGODB_URI</c>, as eng/test-servers/*.sh start them. A missing
/// server skips the test locally and fails it under <c>CI=true</c>.
/// </summary>
internal static class TestServers
{
    /// <summary>The Npgsql connection string of the test server.</summary>
    public static string PostgresConnectionString() => Require("UPSONIC_TEST_POSTGRES", "postgres");

    /// <summary>A <c>postgres://</c> URI of the test server with a schema of its own (and the password, unless left to the environment).</summary>
    public static string PostgresUri(string schema, bool withPassword = true)
    {
        var b = new NpgsqlConnectionStringBuilder(PostgresConnectionString());
        var credentials = Uri.EscapeDataString(b.Username!) + (withPassword ? ":" + Uri.EscapeDataString(b.Password!) : "");
        return $"postgres://{credentials}@{b.Host}:{b.Port}/{b.Database}?schema={schema}";
    }

    /// <summary>The test server's password (to check it is never printed).</summary>
    public static string PostgresPassword() => new NpgsqlConnectionStringBuilder(PostgresConnectionString()).Password!;

    /// <summary>The <c>host:port</c> of the Redis test server.</summary>
    public static string RedisEndPoint() => Require("UPSONIC_TEST_REDIS", "redis");

    /// <summary>A <c>redis://</c> URI with a key prefix of its own.</summary>
    public static string RedisUri(string prefix) => $"redis://{RedisEndPoint()}?prefix={prefix}";

    /// <summary>A connection for raw key scans.</summary>
    public static ConnectionMultiplexer RedisAdmin() =>
        ConnectionMultiplexer.Connect(new ConfigurationOptions { EndPoints = { RedisEndPoint() }, AllowAdmin = true, ConnectTimeout = 3000 });

    /// <summary>The MongoDB URI of the test server (ends with <c>/</c>).</summary>
    public static string MongoUri() => Require("MONGODB_URI", "mongo");

    /// <summary>A unique name for a schema, prefix or database.</summary>
    public static string UniqueName(string stem) => stem + "_" + Guid.NewGuid().ToString("N")[..10];

    private static string Require(string variable, string script)
    {
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value)
        {
            return value;
        }

        var message = $"{variable} is not set. Start the server with: eval \"$(bash eng/test-servers/{script}.sh start)\"";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(message + " (CI=true requires it)");
        }

        Assert.Skip(message);
        throw new System.Diagnostics.UnreachableException();
    }
}
