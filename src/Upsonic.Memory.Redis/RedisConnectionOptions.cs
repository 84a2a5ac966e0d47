using System.Globalization;
using System.Net;
using StackExchange.Redis;

namespace Upsonic.Storage.Redis;

/// <summary>Turns the <c>dbUrl</c> of <see cref="RedisStorage"/> into StackExchange.Redis options with fail-fast, reconnecting settings.</summary>
internal static class RedisConnectionOptions
{
    /// <summary>Connect, sync and async timeout in milliseconds unless the configuration string sets its own: a stopped or frozen
    /// server fails a call within a few seconds.</summary>
    public const int TimeoutMilliseconds = 3000;

    /// <summary>
    /// Accepts <c>redis://[user:password@]host[:port][/db]</c>, <c>rediss://...</c> (TLS) and StackExchange.Redis configuration
    /// strings (<c>host:port,password=...</c>).
    /// </summary>
    public static ConfigurationOptions Parse(string dbUrl, string parameterName)
    {
        ConfigurationOptions options;
        try
        {
            options = dbUrl.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) || dbUrl.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase)
                ? FromUrl(new Uri(dbUrl))
                : ConfigurationOptions.Parse(dbUrl);
        }
        catch (Exception ex) when (ex is UriFormatException or ArgumentException or FormatException or OverflowException or RedisConnectionException)
        {
            // The URL may hold a password and the parser's message quotes it: keep neither the text nor the parser's exception.
            throw new ArgumentException(
                "The Redis URL or configuration string cannot be parsed: use redis://[user:password@]host[:port][/db], rediss://... "
                + "or a StackExchange.Redis configuration string (host:port,password=...).", parameterName);
        }

        if (options.EndPoints.Count == 0)
        {
            throw new ArgumentException("The Redis URL or configuration string names no host.", parameterName);
        }

        options.AbortOnConnectFail = false;
        // A configuration string may choose its own timeouts (connectTimeout=, syncTimeout=, asyncTimeout=, in ms); ToString lists
        // only the settings that were given.
        var given = options.ToString(includePassword: false);
        if (!given.Contains("connectTimeout=", StringComparison.OrdinalIgnoreCase))
        {
            options.ConnectTimeout = TimeoutMilliseconds;
        }

        if (!given.Contains("syncTimeout=", StringComparison.OrdinalIgnoreCase))
        {
            options.SyncTimeout = TimeoutMilliseconds;
        }

        if (!given.Contains("asyncTimeout=", StringComparison.OrdinalIgnoreCase))
        {
            options.AsyncTimeout = TimeoutMilliseconds;
        }

        options.ConnectRetry = 1;
        // Reconnect soon after a server restart instead of backing off exponentially.
        options.ReconnectRetryPolicy = new LinearRetry(500);
        // While disconnected, fail calls at once instead of queueing them.
        options.BacklogPolicy = BacklogPolicy.FailFast;
        return options;
    }

    /// <summary>The one endpoint of a single-node connection, for tracing; <see langword="null"/> with several.</summary>
    public static DnsEndPoint? EndPoint(IEnumerable<EndPoint> endPoints) => endPoints.ToList() switch
    {
        [DnsEndPoint dns] => dns,
        [IPEndPoint ip] => new(ip.Address.ToString(), ip.Port),
        _ => null,
    };

    /// <summary>A description of the endpoints without credentials (used for the default storage id).</summary>
    public static string Describe(IEnumerable<EndPoint> endPoints, int database) =>
        string.Join(",", endPoints.Select(Describe).Order(StringComparer.Ordinal)) + "/" + database.ToString(CultureInfo.InvariantCulture);

    private static string Describe(EndPoint endPoint) => endPoint switch
    {
        DnsEndPoint dns => dns.Host + ":" + dns.Port.ToString(CultureInfo.InvariantCulture),
        IPEndPoint ip => ip.ToString(),
        _ => endPoint.ToString() ?? "",
    };

    private static ConfigurationOptions FromUrl(Uri uri)
    {
        var options = new ConfigurationOptions { Ssl = uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase) };
        options.EndPoints.Add(uri.Host, uri.IsDefaultPort || uri.Port <= 0 ? 6379 : uri.Port);
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var parts = uri.UserInfo.Split(':', 2);
            // As redis-py: redis://user:password@host, redis://:password@host, redis://user@host.
            var user = Uri.UnescapeDataString(parts[0]);
            options.User = user.Length == 0 ? null : user;
            if (parts.Length == 2)
            {
                options.Password = Uri.UnescapeDataString(parts[1]);
            }
        }

        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            options.DefaultDatabase = int.Parse(path, NumberStyles.None, CultureInfo.InvariantCulture);
        }

        return options;
    }
}
