using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Upsonic.Memory.Mem0.Tests;

/// <summary>A request the fake Mem0 server received.</summary>
public sealed record Mem0Request(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, JsonObject Body);

/// <summary>A memory the fake Mem0 server holds.</summary>
public sealed record Mem0Stored(string Id, string UserId, string Content, JsonObject Metadata);

/// <summary>
/// A small HTTP server on 127.0.0.1 that implements the documented subset of the Mem0 REST API that Mem0Storage uses, for both
/// deployments: the platform's <c>POST /v1/memories/</c> (add), <c>POST /v2/memories/?page=&amp;page_size=</c> (list with
/// <c>{"AND": [{"user_id"}, {"metadata": {k: v}}]}</c> filters), <c>GET|PUT|DELETE /v1/memories/{id}/</c> with
/// <c>Authorization: Token</c>; and a self-hosted server's <c>POST /memories</c>, <c>GET /memories?user_id=</c>,
/// <c>GET|PUT|DELETE /memories/{id}</c> with an optional <c>X-API-Key</c>.
/// </summary>
/// <remarks>
/// Like the real service it rejects metadata over 2,000 characters, and it rejects an add that asks for inference (it would not
/// store the content as given). Responses can be made to fail (<see cref="FailNext"/>) to exercise retries.
/// </remarks>
public sealed class Mem0TestServer : IAsyncDisposable
{
    public const int MetadataLimit = 2000;

    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly Lock _gate = new();
    private readonly List<Mem0Stored> _memories = [];
    private readonly List<Mem0Request> _requests = [];
    private readonly Queue<(HttpStatusCode Status, string? RetryAfter)> _failures = new();
    private long _nextId;

    public Mem0TestServer(string apiKey = "test-key", string? selfHostedKey = null)
    {
        ApiKey = apiKey;
        SelfHostedKey = selfHostedKey;
        BaseUrl = new Uri($"http://127.0.0.1:{FreePort()}");
        _listener.Prefixes.Add(BaseUrl.ToString());
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public Uri BaseUrl { get; }

    public string ApiKey { get; }

    public string? SelfHostedKey { get; }

    public IReadOnlyList<Mem0Stored> Memories { get { lock (_gate) { return _memories.ToList(); } } }

    public IReadOnlyList<Mem0Request> Requests { get { lock (_gate) { return _requests.ToList(); } } }

    /// <summary>Answers the next <paramref name="times"/> requests with <paramref name="status"/> (and a Retry-After header when given).</summary>
    public void FailNext(HttpStatusCode status, int times = 1, string? retryAfter = null)
    {
        lock (_gate)
        {
            for (var i = 0; i < times; i++)
            {
                _failures.Enqueue((status, retryAfter));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!.ToLowerInvariant(), k => context.Request.Headers[k] ?? "");
        var request = new Mem0Request(context.Request.HttpMethod, context.Request.Url!.PathAndQuery, headers,
            JsonNode.Parse(text.Length == 0 ? "{}" : text) as JsonObject ?? []);
        (int Status, JsonNode? Body, string? RetryAfter) reply;
        lock (_gate)
        {
            _requests.Add(request);
            reply = _failures.TryDequeue(out var failure)
                ? ((int)failure.Status, new JsonObject { ["detail"] = "injected failure" }, failure.RetryAfter)
                : Route(request, context.Request.Url!);
        }

        var bytes = Encoding.UTF8.GetBytes(reply.Body?.ToJsonString() ?? "");
        context.Response.StatusCode = reply.Status;
        context.Response.ContentType = "application/json";
        if (reply.RetryAfter is not null)
        {
            context.Response.Headers["Retry-After"] = reply.RetryAfter;
        }

        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    private (int, JsonNode?, string?) Route(Mem0Request request, Uri url)
    {
        var path = url.AbsolutePath;
        var platform = path.StartsWith("/v1/", StringComparison.Ordinal) || path.StartsWith("/v2/", StringComparison.Ordinal);
        var authorized = platform
            ? request.Headers.GetValueOrDefault("authorization") == "Token " + ApiKey
            : SelfHostedKey is null || request.Headers.GetValueOrDefault("x-api-key") == SelfHostedKey;
        if (!authorized)
        {
            return Error(401, "Invalid API key");
        }

        var query = System.Web.HttpUtility.ParseQueryString(url.Query);
        var segments = path.Trim('/').Split('/');
        return (request.Method, platform, segments) switch
        {
            ("POST", true, ["v1", "memories"]) or ("POST", false, ["memories"]) => Add(request.Body),
            ("POST", true, ["v2", "memories"]) => ListPlatform(request.Body, query),
            ("GET", false, ["memories"]) => (200, new JsonObject { ["results"] = Array(_memories.Where(m => m.UserId == query["user_id"])) }, null),
            ("GET", _, [.., "memories", var id]) => Find(id) is { } m ? (200, Json(m), null) : Error(404, "Memory not found"),
            ("PUT", _, [.., "memories", var id]) => Update(id, request.Body),
            ("DELETE", _, [.., "memories", var id]) => Delete(id),
            _ => Error(404, "No such endpoint"),
        };
    }

    private (int, JsonNode?, string?) Add(JsonObject body)
    {
        if (body["infer"]?.GetValue<bool>() != false)
        {
            return Error(400, "This server only stores memories as given: send infer=false.");
        }

        var content = body["messages"]?.AsArray().Select(m => m?["content"]?.GetValue<string>()).FirstOrDefault();
        var userId = body["user_id"]?.GetValue<string>();
        var metadata = body["metadata"] as JsonObject ?? [];
        if (content is null || userId is null)
        {
            return Error(400, "messages and user_id are required");
        }

        if (Size(metadata) > MetadataLimit)
        {
            return Error(400, $"metadata exceeds {MetadataLimit} characters");
        }

        var memory = new Mem0Stored($"mem-{++_nextId}", userId, content, (JsonObject)metadata.DeepClone());
        _memories.Add(memory);
        return (200, new JsonObject { ["results"] = new JsonArray(new JsonObject { ["id"] = memory.Id, ["memory"] = content, ["event"] = "ADD" }) }, null);
    }

    private (int, JsonNode?, string?) ListPlatform(JsonObject body, System.Collections.Specialized.NameValueCollection query)
    {
        var conditions = body["filters"]?["AND"]?.AsArray().OfType<JsonObject>().ToList() ?? [];
        var matches = _memories.Where(m => conditions.All(c =>
            c["user_id"] is { } user ? user.GetValue<string>() == m.UserId
            : c["metadata"] is JsonObject meta && meta.All(kv => m.Metadata[kv.Key]?.ToJsonString() == kv.Value?.ToJsonString()))).ToList();
        var page = int.TryParse(query["page"], out var p) ? p : 1;
        var size = int.TryParse(query["page_size"], out var s) ? s : 100;
        var items = matches.Skip((page - 1) * size).Take(size);
        var next = page * size < matches.Count ? $"{BaseUrl}v2/memories/?page={page + 1}&page_size={size}" : null;
        return (200, new JsonObject { ["count"] = matches.Count, ["next"] = next, ["previous"] = null, ["results"] = Array(items) }, null);
    }

    private (int, JsonNode?, string?) Update(string id, JsonObject body)
    {
        var index = _memories.FindIndex(m => m.Id == id);
        if (index < 0)
        {
            return Error(404, "Memory not found");
        }

        var metadata = body["metadata"] as JsonObject ?? _memories[index].Metadata;
        if (Size(metadata) > MetadataLimit)
        {
            return Error(400, $"metadata exceeds {MetadataLimit} characters");
        }

        _memories[index] = _memories[index] with { Content = body["text"]?.GetValue<string>() ?? _memories[index].Content, Metadata = (JsonObject)metadata.DeepClone() };
        return (200, new JsonObject { ["message"] = "Memory updated successfully!" }, null);
    }

    private (int, JsonNode?, string?) Delete(string id) =>
        _memories.RemoveAll(m => m.Id == id) > 0 ? (200, new JsonObject { ["message"] = "Memory deleted successfully!" }, null) : Error(404, "Memory not found");

    private Mem0Stored? Find(string id) => _memories.Find(m => m.Id == id);

    private static JsonArray Array(IEnumerable<Mem0Stored> memories) => new([.. memories.Select(m => (JsonNode?)Json(m))]);

    private static JsonObject Json(Mem0Stored m) => new()
    {
        ["id"] = m.Id,
        ["memory"] = m.Content,
        ["user_id"] = m.UserId,
        ["metadata"] = m.Metadata.DeepClone(),
    };

    private static (int, JsonNode?, string?) Error(int status, string detail) => (status, new JsonObject { ["detail"] = detail }, null);

    // The length of the metadata as JSON text, measured the way a Python service would (no escaping of '+' and the like).
    public static int Size(JsonObject metadata) =>
        metadata.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }).Length;

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
