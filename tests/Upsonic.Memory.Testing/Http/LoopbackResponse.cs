namespace Upsonic.Storage.Testing;

/// <summary>The answer a <see cref="LoopbackHttpServer"/> handler gives to one request.</summary>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Body">The body text (JSON unless <see cref="ContentType"/> says otherwise); empty for none.</param>
public sealed record LoopbackResponse(int Status, string Body)
{
    /// <summary>The body's content type. Default "application/json".</summary>
    public string ContentType { get; init; } = "application/json";

    /// <summary>Extra response headers (for example Retry-After). Default none.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>A 200 answer with the JSON text <paramref name="json"/>.</summary>
    /// <param name="json">The body.</param>
    public static LoopbackResponse Ok(string json) => new(200, json);
}
