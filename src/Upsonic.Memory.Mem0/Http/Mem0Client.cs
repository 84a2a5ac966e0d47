using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Upsonic.Storage.Mem0;

/// <summary>
/// The subset of the Mem0 REST API that <see cref="Mem0Storage"/> uses, for the hosted platform and a self-hosted server:
/// add a memory (inference off), list memories by metadata, update one, delete one. Requests that get 429, a 5xx or a transport
/// error are retried a bounded number of times with exponential backoff (a <c>Retry-After</c> header wins).
/// </summary>
internal sealed class Mem0Client
{
    private const int PageSize = 100;
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;
    private readonly Mem0StorageOptions _options;
    private readonly Uri _base;

    public Mem0Client(HttpClient http, Mem0StorageOptions options, Uri baseUrl)
    {
        _http = http;
        _options = options;
        _base = new Uri(baseUrl.ToString().TrimEnd('/') + "/");
    }

    private bool Platform => _options.Deployment == Mem0Deployment.Platform;

    /// <summary>Adds a memory with inference off (the content is stored as given) and returns Mem0's id for it.</summary>
    public async Task<string> AddAsync(string content, JsonObject metadata, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = content }),
            ["user_id"] = _options.DefaultUserId,
            ["metadata"] = metadata.DeepClone(),
            ["infer"] = false,
        };
        if (Platform)
        {
            body["async_mode"] = false;
            body["output_format"] = "v1.1";
            AddProject(body);
        }

        var reply = await SendAsync(HttpMethod.Post, Platform ? "v1/memories/" : "memories", body, ct).ConfigureAwait(false);
        var id = Results(reply).Select(r => Mem0Envelope.Text(r?["id"])).FirstOrDefault(i => !string.IsNullOrEmpty(i));
        return id ?? throw new HttpRequestException("Mem0 accepted a memory but returned no id for it.");
    }

    /// <summary>Replaces a memory's content and metadata.</summary>
    public async Task UpdateAsync(string mem0Id, string content, JsonObject metadata, CancellationToken ct)
    {
        var body = new JsonObject { ["text"] = content, ["metadata"] = metadata.DeepClone() };
        await SendAsync(HttpMethod.Put, MemoryPath(mem0Id), body, ct).ConfigureAwait(false);
    }

    /// <summary>Deletes a memory; <see langword="false"/> when Mem0 does not have it.</summary>
    public async Task<bool> DeleteAsync(string mem0Id, CancellationToken ct)
    {
        try
        {
            await SendAsync(HttpMethod.Delete, MemoryPath(mem0Id), null, ct).ConfigureAwait(false);
            return true;
        }
        catch (Mem0ApiException ex) when (ex.Status == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>Lists the memories of the storage's Mem0 user whose metadata has every given key and value.</summary>
    public async Task<IReadOnlyList<Mem0Memory>> ListAsync(IReadOnlyDictionary<string, string> metadataFilter, CancellationToken ct)
    {
        var found = new List<Mem0Memory>();
        if (Platform)
        {
            var and = new JsonArray(new JsonObject { ["user_id"] = _options.DefaultUserId });
            foreach (var (key, value) in metadataFilter)
            {
                and.Add(new JsonObject { ["metadata"] = new JsonObject { [key] = value } });
            }

            for (var page = 1; ; page++)
            {
                var body = new JsonObject { ["filters"] = new JsonObject { ["AND"] = and.DeepClone() } };
                AddProject(body);
                var reply = await SendAsync(HttpMethod.Post, $"v2/memories/?page={page}&page_size={PageSize}", body, ct).ConfigureAwait(false);
                var results = Results(reply);
                found.AddRange(results.Select(ToMemory).OfType<Mem0Memory>());
                if (results.Count < PageSize || reply is not JsonObject { } paged || paged["next"] is null)
                {
                    break;
                }
            }
        }
        else
        {
            var reply = await SendAsync(HttpMethod.Get, "memories?user_id=" + Uri.EscapeDataString(_options.DefaultUserId), null, ct).ConfigureAwait(false);
            found.AddRange(Results(reply).Select(ToMemory).OfType<Mem0Memory>());
        }

        // The platform filters on the server; a self-hosted server returns the user's memories, so the filter is applied here too.
        return found.Where(m => metadataFilter.All(f => Mem0Envelope.Text(m.Metadata[f.Key]) == f.Value)).ToList();
    }

    private string MemoryPath(string mem0Id) =>
        Platform ? $"v1/memories/{Uri.EscapeDataString(mem0Id)}/" : $"memories/{Uri.EscapeDataString(mem0Id)}";

    private void AddProject(JsonObject body)
    {
        if (!string.IsNullOrEmpty(_options.OrgId))
        {
            body["org_id"] = _options.OrgId;
        }

        if (!string.IsNullOrEmpty(_options.ProjectId))
        {
            body["project_id"] = _options.ProjectId;
        }
    }

    private static Mem0Memory? ToMemory(JsonNode? node) =>
        Mem0Envelope.Text(node?["id"]) is { } id && node!["metadata"] is JsonObject metadata ? new Mem0Memory(id, metadata) : null;

    // Mem0 answers lists either as an array or as {"results": [...]} (paged on the platform).
    private static IReadOnlyList<JsonNode?> Results(JsonNode? reply) => reply switch
    {
        JsonArray array => [.. array],
        JsonObject obj when obj["results"] is JsonArray results => [.. results],
        JsonObject obj when obj["memories"] is JsonArray memories => [.. memories],
        _ => [],
    };

    private async Task<JsonNode?> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken ct)
    {
        var label = method.Method + " " + path.Split('?')[0];
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, new Uri(_base, path));
            if (body is not null)
            {
                request.Content = JsonContent.Create(body);
            }

            if (!string.IsNullOrEmpty(_options.ApiKey))
            {
                if (Platform)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Token", _options.ApiKey);
                }
                else
                {
                    request.Headers.Add("X-API-Key", _options.ApiKey);
                }
            }

            TimeSpan? retryAfter = null;
            try
            {
                using var response = await _http.SendAsync(request, ct).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                    return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
                }

                if (!IsTransient(response.StatusCode) || attempt >= _options.MaxRetries)
                {
                    throw new Mem0ApiException(response.StatusCode, label);
                }

                retryAfter = RetryAfter(response.Headers.RetryAfter);
            }
            catch (HttpRequestException) when (attempt < _options.MaxRetries && !ct.IsCancellationRequested)
            {
                // A transport failure: retried like a 5xx.
            }
            catch (TaskCanceledException) when (attempt < _options.MaxRetries && !ct.IsCancellationRequested)
            {
                // The request timed out (not the caller's cancellation): retried.
            }

            var backoff = _options.RetryDelay * Math.Pow(2, attempt);
            await Task.Delay(retryAfter is { } after && after > backoff ? after : backoff, ct).ConfigureAwait(false);
        }
    }

    private static bool IsTransient(HttpStatusCode status) => status == HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static TimeSpan? RetryAfter(RetryConditionHeaderValue? header)
    {
        var delay = header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        return delay is { } d && d > TimeSpan.Zero ? (d < MaxRetryAfter ? d : MaxRetryAfter) : null;
    }

    /// <summary>Mem0's timestamps in metadata: ISO 8601, UTC, as upstream writes them.</summary>
    public static string Iso(DateTimeOffset value) => value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffK", CultureInfo.InvariantCulture);
}
