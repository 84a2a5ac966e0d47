using StackExchange.Redis;

namespace Upsonic.Memory.Redis.Tests;

/// <summary>
/// The Redis the tests use: <c>UPSONIC_TEST_REDIS</c> (host:port or a StackExchange.Redis configuration string), normally set by
/// <c>eval "$(eng/test-servers/redis.sh start)"</c>. Without a reachable server, tests skip, or fail under <c>CI=true</c>.
/// </summary>
internal static class RedisTestServer
{
    public const string Variable = "UPSONIC_TEST_REDIS";

    private static readonly Lazy<Task<ConnectionMultiplexer?>> Admin = new(ConnectAdminAsync);

    /// <summary>The configuration string from the environment, or null.</summary>
    public static string? Configuration => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    /// <summary>A connection for inspecting and cleaning keys directly; skips (or fails under CI) when the server is unavailable.</summary>
    public static async Task<ConnectionMultiplexer> RequireAsync()
    {
        var admin = await Admin.Value;
        if (admin is not null)
        {
            return admin;
        }

        var why = Configuration is null
            ? $"{Variable} is not set"
            : $"no Redis answers at {Variable}={Configuration}";
        var how = $"Start one with: eval \"$(eng/test-servers/redis.sh start)\" (or set {Variable}=host:port).";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"The Redis tests need a server under CI: {why}. {how}");
        }

        Assert.Skip($"Redis tests skipped: {why}. {how}");
        throw new System.Diagnostics.UnreachableException();
    }

    /// <summary>The server's configuration string; only valid after <see cref="RequireAsync"/>.</summary>
    public static string Config => Configuration!;

    private static async Task<ConnectionMultiplexer?> ConnectAdminAsync()
    {
        if (Configuration is null)
        {
            return null;
        }

        var options = ConfigurationOptions.Parse(Configuration);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 2000;
        options.AllowAdmin = true;
        var connection = await ConnectionMultiplexer.ConnectAsync(options);
        try
        {
            await connection.GetDatabase().PingAsync();
            return connection;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            await connection.DisposeAsync();
            return null;
        }
    }

    /// <summary>Every key of a prefix (SCAN is fine in tests).</summary>
    public static async Task<List<RedisKey>> KeysAsync(string prefix)
    {
        var admin = await RequireAsync();
        var keys = new List<RedisKey>();
        foreach (var server in admin.GetServers().Where(s => !s.IsReplica))
        {
            await foreach (var key in server.KeysAsync(pattern: "{" + prefix + ":*", pageSize: 1000))
            {
                keys.Add(key);
            }
        }

        return keys;
    }

    /// <summary>Deletes every key of a prefix.</summary>
    public static async Task DeletePrefixAsync(string prefix)
    {
        var admin = await RequireAsync();
        var keys = await KeysAsync(prefix);
        await Task.WhenAll(keys.Select(k => admin.GetDatabase().KeyDeleteAsync(k)));
    }
}
