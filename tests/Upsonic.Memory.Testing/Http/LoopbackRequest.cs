using System.Text.Json.Nodes;

namespace Upsonic.Storage.Testing;

/// <summary>One request that a <see cref="LoopbackHttpServer"/> received.</summary>
/// <param name="Method">The HTTP method (for example "POST").</param>
/// <param name="Url">The full request URL.</param>
/// <param name="Headers">The request headers, names in lower case.</param>
/// <param name="Body">The body parsed as a JSON object; empty when the body is empty or not a JSON object.</param>
public sealed record LoopbackRequest(string Method, Uri Url, IReadOnlyDictionary<string, string> Headers, JsonObject Body)
{
    /// <summary>The URL's path, without the query (for example "/v1/chat/completions").</summary>
    public string Path => Url.AbsolutePath;

    /// <summary>The URL's path and query (for example "/v2/memories/?page=1").</summary>
    public string PathAndQuery => Url.PathAndQuery;
}
