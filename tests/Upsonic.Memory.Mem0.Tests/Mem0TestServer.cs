using System.Net;
using System.Text.Json.Nodes;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Mem0.Tests;

/// <summary>A memory the fake Mem0 server holds.</summary>
public sealed record Mem0Stored(string Id, string UserId, string Content, JsonObject Metadata);

/// <summary>
/// A fake Mem0 service on a <see cref="LoopbackHttpServer"/> (127.0.0.1) that implements the documented subset of the Mem0
/// REST API that Mem0Storage uses, for both deployments: the platform's <c>POST /v1/memories/</c> (add), <c>POST /v2/memories/?page=&amp;page_size=</c> (list with
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

    private readonly LoopbackHttpServer _http;
    private readonly Lock _gate = new();
    private readonly List<Mem0Stored> _memories = [];
    private readonly Queue<(HttpStatusCode Status, string? RetryAfter)> _failures = new();
    private long _nextId;

    public Mem0TestServer(string apiKey = "test-key", string? selfHostedKey = null)
    {
        ApiKey = apiKey;
        SelfHostedKey = selfHostedKey;
        _http = new LoopbackHttpServer(Answer);
    }

    public Uri BaseUrl => _http.BaseUrl;

    public string ApiKey { get; }

    public string? SelfHostedKey { get; }

    public IReadOnlyList<Mem0Stored> Memories { get { lock (_gate) { return _memories.ToList(); } } }

    public IReadOnlyList<LoopbackRequest> Requests => _http.Requests;

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

    /// <summary>Rewrites the metadata of the one memory that <paramref name="find"/> picks, in place and around the API (no size
    /// limit is checked), as a raw write by another program would: the corrupt-data tests store what the storage never writes.</summary>
    public void EditMetadata(Func<Mem0Stored, bool> find, Action<JsonObject> edit)
    {
        lock (_gate)
        {
            var index = _memories.FindIndex(m => find(m));
            if (index < 0 || _memories.FindIndex(index + 1, m => find(m)) >= 0)
            {
                throw new InvalidOperationException("Exactly one stored memory must match to be edited.");
            }

            var metadata = (JsonObject)_memories[index].Metadata.DeepClone();
            edit(metadata);
            _memories[index] = _memories[index] with { Metadata = metadata };
        }
    }

    public ValueTask DisposeAsync() => _http.DisposeAsync();

    private LoopbackResponse Answer(LoopbackRequest request)
    {
        (int Status, JsonNode? Body, string? RetryAfter) reply;
        lock (_gate)
        {
            reply = _failures.TryDequeue(out var failure)
                ? ((int)failure.Status, new JsonObject { ["detail"] = "injected failure" }, failure.RetryAfter)
                : Route(request);
        }

        return new LoopbackResponse(reply.Status, reply.Body?.ToJsonString() ?? "")
        {
            Headers = reply.RetryAfter is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["Retry-After"] = reply.RetryAfter },
        };
    }

    private (int, JsonNode?, string?) Route(LoopbackRequest request)
    {
        var path = request.Path;
        var platform = path.StartsWith("/v1/", StringComparison.Ordinal) || path.StartsWith("/v2/", StringComparison.Ordinal);
        var authorized = platform
            ? request.Headers.GetValueOrDefault("authorization") == "Token " + ApiKey
            : SelfHostedKey is null || request.Headers.GetValueOrDefault("x-api-key") == SelfHostedKey;
        if (!authorized)
        {
            return Error(401, "Invalid API key");
        }

        var query = System.Web.HttpUtility.ParseQueryString(request.Url.Query);
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
}
