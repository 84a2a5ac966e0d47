using System.Net;
using Npgsql;

namespace Upsonic.Storage.Postgres;

/// <summary>
/// Turns the <c>dbUrl</c> given to <see cref="PostgresStorage"/> into an Npgsql connection string: either a URL
/// (<c>postgresql://user:password@host:port/database?sslmode=require</c>, also <c>postgres://</c> and SQLAlchemy-style
/// <c>postgresql+psycopg://</c>, several hosts as <c>host1:5432,host2:5432</c>) or an Npgsql connection string as is.
/// </summary>
/// <remarks>
/// <para>Adds a 5 s connect timeout and a 10 s command timeout when none is given (Npgsql's defaults are 15 s and 30 s), so
/// calls against a stopped or frozen server fail fast. Set <c>Timeout=</c> / <c>Command Timeout=</c> (URL: <c>connect_timeout</c>,
/// <c>command_timeout</c>, in seconds) to choose others.</para>
/// <para>Sets <c>No Reset On Close=true</c> (the pool does not send <c>DISCARD ALL</c> with every reused connection: this library
/// leaves no session state behind) and, unless prepared statements are turned off, <c>Max Auto Prepare</c> (when the string does
/// not set it), so the per-turn statements are parsed and planned once per connection instead of on every turn. With prepared
/// statements off, <c>Max Auto Prepare=0</c> wins over the string (PgBouncer in transaction mode before 1.21).</para>
/// </remarks>
internal static class PostgresConnectionString
{
    /// <summary>The connect timeout used when the connection string does not set one (Npgsql's own default is 15 s).</summary>
    public const int DefaultConnectTimeoutSeconds = 5;

    private const int NpgsqlDefaultConnectTimeoutSeconds = 15;

    /// <summary>The one host and port a connection string connects to, for tracing; <see langword="null"/> with several hosts.</summary>
    public static DnsEndPoint? EndPoint(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return builder.Host is { Length: > 0 } host && !host.Contains(',', StringComparison.Ordinal) ? new(host, builder.Port) : null;
    }

    /// <summary>The command timeout used when the connection string does not set one (Npgsql's own default is 30 s).</summary>
    public const int DefaultCommandTimeoutSeconds = 10;

    private const int NpgsqlDefaultCommandTimeoutSeconds = 30;

    /// <summary>How many statements Npgsql keeps prepared per connection: every statement this library sends fits.</summary>
    public const int DefaultMaxAutoPrepare = 64;

    private const string MaxAutoPrepareKey = "Max Auto Prepare";

    public static string Build(string dbUrl, string parameterName, bool prepareStatements = true)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = IsUrl(dbUrl) ? FromUrl(dbUrl, parameterName) : new NpgsqlConnectionStringBuilder(dbUrl);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException or OverflowException)
        {
            // The driver's message may quote the string, which can hold a password: say only what is wrong in general.
            throw new ArgumentException(
                "The value is neither a postgresql:// URL nor a valid Npgsql connection string (Host=...;Username=...;Database=...).", parameterName);
        }

        if (string.IsNullOrEmpty(builder.Host))
        {
            throw new ArgumentException("The connection needs a host.", parameterName);
        }

        if (builder.Timeout == NpgsqlDefaultConnectTimeoutSeconds)
        {
            builder.Timeout = DefaultConnectTimeoutSeconds;
        }

        if (builder.CommandTimeout == NpgsqlDefaultCommandTimeoutSeconds)
        {
            builder.CommandTimeout = DefaultCommandTimeoutSeconds;
        }

        if (!prepareStatements)
        {
            builder.MaxAutoPrepare = 0;
        }
        else if (!new System.Data.Common.DbConnectionStringBuilder { ConnectionString = builder.ConnectionString }.ContainsKey(MaxAutoPrepareKey))
        {
            builder.MaxAutoPrepare = DefaultMaxAutoPrepare;
        }

        builder.NoResetOnClose = true;
        return builder.ConnectionString;
    }

    public static bool IsUrl(string value) =>
        value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
        || value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
        || value.StartsWith("postgresql+", StringComparison.OrdinalIgnoreCase);

    private static NpgsqlConnectionStringBuilder FromUrl(string url, string parameterName)
    {
        var rest = url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var builder = new NpgsqlConnectionStringBuilder();

        var queryStart = rest.IndexOf('?', StringComparison.Ordinal);
        var query = queryStart >= 0 ? rest[(queryStart + 1)..] : "";
        if (queryStart >= 0)
        {
            rest = rest[..queryStart];
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash >= 0 ? rest[..slash] : rest;
        var database = slash >= 0 ? Uri.UnescapeDataString(rest[(slash + 1)..]) : "";

        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = authority[..at];
            authority = authority[(at + 1)..];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon >= 0 ? userInfo[..colon] : userInfo);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
            }
        }

        if (authority.Length == 0)
        {
            throw new ArgumentException("The URL has no host.", parameterName);
        }

        var hosts = authority.Split(',');
        if (hosts.Length == 1 && SplitPort(hosts[0]) is (var host, var port))
        {
            builder.Host = host;
            if (port is not null)
            {
                var number = int.Parse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture);
                builder.Port = number is >= 1 and <= 65535 ? number : throw new FormatException("The port is not between 1 and 65535.");
            }
        }
        else
        {
            // Npgsql takes several hosts as "host1:port1,host2:port2" (with failover / load balancing by Target Session Attributes).
            builder.Host = authority;
        }

        if (database.Length > 0)
        {
            builder.Database = database;
        }

        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq >= 0 ? pair[..eq] : pair);
            var value = eq >= 0 ? Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' ')) : "";
            switch (key.ToLowerInvariant())
            {
                case "sslmode":
                    builder.SslMode = Enum.Parse<SslMode>(value.Replace("-", "", StringComparison.Ordinal), ignoreCase: true);
                    break;
                case "connect_timeout":
                    builder.Timeout = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "command_timeout":
                    builder.CommandTimeout = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "application_name":
                    builder.ApplicationName = value;
                    break;
                case "target_session_attrs":
                    builder["Target Session Attributes"] = value;
                    break;
                default:
                    builder[key] = value; // any Npgsql keyword; an unknown one is an ArgumentException
                    break;
            }
        }

        return builder;
    }

    private static (string Host, string? Port)? SplitPort(string hostAndPort)
    {
        if (hostAndPort.StartsWith('['))
        {
            var close = hostAndPort.IndexOf(']', StringComparison.Ordinal);
            var host = hostAndPort[1..close];
            return (host, close + 1 < hostAndPort.Length && hostAndPort[close + 1] == ':' ? hostAndPort[(close + 2)..] : null);
        }

        var colon = hostAndPort.LastIndexOf(':');
        return colon >= 0 ? (hostAndPort[..colon], hostAndPort[(colon + 1)..]) : (hostAndPort, null);
    }
}
