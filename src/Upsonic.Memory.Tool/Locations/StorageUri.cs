using System.Text;
using Upsonic.Storage.Mem0;

namespace Upsonic.Memory.Tool.Locations;

/// <summary>
/// Parses the storage URIs of the tool (docs/tool.md, "Storage URIs"): <c>sqlite:path.db</c>, <c>json:dir</c>,
/// <c>postgres://user:pass@host:port/db?schema=s</c>, <c>redis://host:port?prefix=p</c>, <c>mongodb://host:port/db</c>,
/// <c>mem0:https://api.mem0.ai?org_id=o&amp;project_id=p</c>, each with
/// the optional query keys <c>session_table</c>, <c>user_memory_table</c> and <c>knowledge_table</c>. Other query keys of a server
/// URI go to the driver unchanged (<c>sslmode=require</c>, <c>authSource=admin</c>, ...).
/// </summary>
/// <remarks>Nothing here connects; a malformed URI is a <see cref="ToolException"/> whose message shows the URI without its password.</remarks>
internal static class StorageUri
{
    private const string Expected =
        "expected sqlite:<file>, json:<directory>, postgres://user:pass@host:port/db?schema=s, redis://host:port?prefix=p, mongodb://host:port/db or mem0:<https URL>";

    /// <summary>Parses <paramref name="uri"/>; <paramref name="password"/> (from the environment) fills in a password the URI leaves
    /// out, and is a <c>mem0:</c> store's API key (else <c>MEM0_API_KEY</c> is).</summary>
    public static StorageLocation Parse(string uri, string? password = null)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var text = uri.Trim();
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw new ToolException($"'{Redacted(text)}' is not a storage URI: {Expected}.");
        }

        var scheme = text[..colon].ToLowerInvariant();
        return scheme switch
        {
            "sqlite" => FileLocation(StorageKind.Sqlite, text, colon),
            "json" => FileLocation(StorageKind.Json, text, colon),
            "postgres" or "postgresql" => ServerLocation(StorageKind.Postgres, text, password),
            "redis" or "rediss" => ServerLocation(StorageKind.Redis, text, password),
            "mongodb" or "mongodb+srv" => ServerLocation(StorageKind.Mongo, text, password),
            "mem0" => Mem0Location(text, colon, password),
            _ => throw new ToolException($"Unknown storage scheme '{scheme}' in '{Redacted(text)}': {Expected}."),
        };
    }

    private static StorageLocation FileLocation(StorageKind kind, string text, int colon)
    {
        var rest = text[(colon + 1)..];
        var (path, query) = SplitQuery(rest);
        // sqlite:///abs/file.db (the SQLAlchemy form) names /abs/file.db; sqlite:relative.db names relative.db.
        if (path.StartsWith("//", StringComparison.Ordinal))
        {
            path = path[2..];
        }

        if (path.Length == 0)
        {
            throw new ToolException($"'{text}' names no {(kind == StorageKind.Sqlite ? "database file" : "directory")}: {Expected}.");
        }

        var keys = ToolKeys(query, kind, text, out var rejected);
        if (rejected.Count > 0)
        {
            throw new ToolException($"'{text}': unknown query key '{rejected[0]}' (a {kind.ToString().ToLowerInvariant()}: URI takes session_table, user_memory_table and knowledge_table).");
        }

        return new StorageLocation
        {
            Kind = kind,
            Path = path,
            Display = text,
            SessionTable = keys.GetValueOrDefault("session_table"),
            UserMemoryTable = keys.GetValueOrDefault("user_memory_table"),
            KnowledgeTable = keys.GetValueOrDefault("knowledge_table"),
        };
    }

    /// <summary><c>mem0:&lt;http(s) base URL&gt;[?deployment=platform|self_hosted&amp;user_id=&amp;org_id=&amp;project_id=&amp;...tables]</c>; the API
    /// key comes from the environment only (a URI with user info is refused, so a key is never on the command line).</summary>
    private static StorageLocation Mem0Location(string text, int colon, string? apiKey)
    {
        var (address, query) = SplitQuery(text[(colon + 1)..]);
        if (!Uri.TryCreate(address, UriKind.Absolute, out var baseUrl) || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps))
        {
            throw new ToolException($"'{Redacted(text)}' names no http or https address of a Mem0 server: {Expected}.");
        }

        if (baseUrl.UserInfo.Length > 0)
        {
            throw new ToolException($"'{Redacted(text)}': give the Mem0 API key in MEM0_API_KEY (or the option's password variable), not in the URI.");
        }

        var keys = ToolKeys(query, StorageKind.Mem0, text, out var rejected);
        if (rejected.Count > 0)
        {
            throw new ToolException($"'{text}': unknown query key '{rejected[0]}' (a mem0: URI takes deployment, user_id, org_id, project_id and the table keys).");
        }

        var deployment = keys.GetValueOrDefault("deployment") switch
        {
            null or "platform" => Mem0Deployment.Platform,
            "self_hosted" or "self-hosted" => Mem0Deployment.SelfHosted,
            var other => throw new ToolException($"'{text}': deployment must be platform or self_hosted, not '{other}'."),
        };
        var key = string.IsNullOrEmpty(apiKey) ? Environment.GetEnvironmentVariable("MEM0_API_KEY") : apiKey;
        if (deployment == Mem0Deployment.Platform && string.IsNullOrEmpty(key))
        {
            throw new ToolException($"'{text}': the Mem0 platform needs an API key: set MEM0_API_KEY (or the option's password variable), or add deployment=self_hosted for a self-hosted server.");
        }

        return new StorageLocation
        {
            Kind = StorageKind.Mem0,
            Display = text,
            Secrets = string.IsNullOrEmpty(key) ? [] : [key],
            Mem0 = new Mem0StorageOptions
            {
                Deployment = deployment,
                BaseUrl = baseUrl,
                ApiKey = string.IsNullOrEmpty(key) ? null : key,
                DefaultUserId = keys.GetValueOrDefault("user_id") ?? Mem0StorageOptions.DefaultMem0UserId,
                OrgId = keys.GetValueOrDefault("org_id"),
                ProjectId = keys.GetValueOrDefault("project_id"),
                SessionTable = keys.GetValueOrDefault("session_table"),
                UserMemoryTable = keys.GetValueOrDefault("user_memory_table"),
                KnowledgeTable = keys.GetValueOrDefault("knowledge_table"),
            },
            SessionTable = keys.GetValueOrDefault("session_table"),
            UserMemoryTable = keys.GetValueOrDefault("user_memory_table"),
            KnowledgeTable = keys.GetValueOrDefault("knowledge_table"),
        };
    }

    private static StorageLocation ServerLocation(StorageKind kind, string text, string? password)
    {
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            throw new ToolException($"'{Redacted(text)}' is not a storage URI (no '://'): {Expected}.");
        }

        var scheme = text[..schemeEnd];
        var (body, query) = SplitQuery(text[(schemeEnd + 3)..]);
        var slash = body.IndexOf('/', StringComparison.Ordinal);
        var authority = slash >= 0 ? body[..slash] : body;
        var path = slash >= 0 ? body[(slash + 1)..] : "";
        var at = authority.LastIndexOf('@');
        var userInfo = at >= 0 ? authority[..at] : null;
        var hosts = at >= 0 ? authority[(at + 1)..] : authority;

        string? user = null;
        string? rawPassword = null;
        if (userInfo is not null)
        {
            var split = userInfo.IndexOf(':', StringComparison.Ordinal);
            user = split >= 0 ? userInfo[..split] : userInfo;
            rawPassword = split >= 0 ? userInfo[(split + 1)..] : null;
        }

        var secrets = new List<string>();
        if (rawPassword is { Length: > 0 })
        {
            secrets.Add(rawPassword);
            secrets.Add(Unescape(rawPassword));
        }
        else if (!string.IsNullOrEmpty(password) && (user is { Length: > 0 } || kind == StorageKind.Redis))
        {
            // The password comes from the environment: it goes into the driver's URL, never into what is shown.
            rawPassword = Uri.EscapeDataString(password);
            secrets.Add(password);
            secrets.Add(rawPassword);
        }

        var display = scheme + "://" + (userInfo is null ? "" : user + (rawPassword is null && userInfo.IndexOf(':', StringComparison.Ordinal) < 0 ? "" : ":***") + "@")
            + hosts + (slash >= 0 ? "/" + path : "") + (query.Length > 0 ? "?" + query : "");
        if (hosts.Length == 0)
        {
            throw new ToolException($"'{display}' names no host: {Expected}.");
        }

        var keys = ToolKeys(query, kind, display, out var passThrough);
        var credentials = user is null && rawPassword is null ? "" : user + (rawPassword is null ? "" : ":" + rawPassword) + "@";
        var database = kind == StorageKind.Mongo ? Unescape(path.Trim('/')) : null;
        // MongoDB: the database is passed by name; the URL keeps no path, so the driver authenticates against its default
        // (admin) or the authSource the query names.
        var urlPath = kind == StorageKind.Mongo ? "/" : slash >= 0 ? "/" + path : "";
        var url = scheme + "://" + credentials + hosts + urlPath + (passThrough.Count > 0 ? "?" + string.Join('&', passThrough) : "");
        return new StorageLocation
        {
            Kind = kind,
            ConnectionUrl = url,
            Display = display,
            Secrets = secrets,
            Schema = keys.GetValueOrDefault("schema"),
            Prefix = keys.GetValueOrDefault("prefix"),
            Database = string.IsNullOrEmpty(database) ? null : database,
            SessionTable = keys.GetValueOrDefault("session_table"),
            UserMemoryTable = keys.GetValueOrDefault("user_memory_table"),
            KnowledgeTable = keys.GetValueOrDefault("knowledge_table"),
        };
    }

    /// <summary>The tool's own query keys (decoded); <paramref name="others"/> gets every other <c>key=value</c> pair as written.</summary>
    private static Dictionary<string, string> ToolKeys(string query, StorageKind kind, string display, out List<string> others)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        others = [];
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Unescape(eq >= 0 ? pair[..eq] : pair);
            var value = eq >= 0 ? Unescape(pair[(eq + 1)..]) : "";
            var own = key is "session_table" or "user_memory_table" or "knowledge_table"
                || (key == "schema" && kind == StorageKind.Postgres)
                || (key == "prefix" && kind == StorageKind.Redis)
                || (key is "deployment" or "user_id" or "org_id" or "project_id" && kind == StorageKind.Mem0);
            if (!own)
            {
                others.Add(pair);
                continue;
            }

            if (value.Length == 0)
            {
                throw new ToolException($"'{display}': the query key '{key}' has no value.");
            }

            keys[key] = value;
        }

        return keys;
    }

    private static (string Body, string Query) SplitQuery(string text)
    {
        var question = text.IndexOf('?', StringComparison.Ordinal);
        return question >= 0 ? (text[..question], text[(question + 1)..]) : (text, "");
    }

    private static string Unescape(string value)
    {
        try
        {
            return Uri.UnescapeDataString(value);
        }
        catch (UriFormatException)
        {
            return value;
        }
    }

    /// <summary>A URI that failed to parse, shown with anything between <c>://user:</c> and <c>@</c> replaced.</summary>
    private static string Redacted(string text)
    {
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        var at = text.LastIndexOf('@');
        if (schemeEnd < 0 || at < schemeEnd)
        {
            return text;
        }

        var userInfo = text[(schemeEnd + 3)..at];
        var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? text : new StringBuilder(text[..(schemeEnd + 3)]).Append(userInfo[..colon]).Append(":***").Append(text[at..]).ToString();
    }
}
