using Microsoft.Extensions.Configuration;

namespace Upsonic.Models;

/// <summary>Reads a model setting from configuration, then from the environment.</summary>
internal sealed class ModelSettings(IConfiguration? configuration)
{
    public string? Get(string name)
    {
        var value = configuration?[name];
        if (string.IsNullOrWhiteSpace(value))
        {
            value = Environment.GetEnvironmentVariable(name);
        }

        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    /// <summary>The setting's value, or an exception that says what to set (never the value itself).</summary>
    public string Require(string name, string what) =>
        Get(name) ?? throw new InvalidOperationException($"{what}: set the {name} environment variable (or configuration key {name}).");

    public Uri? Endpoint(string name)
    {
        var value = Get(name);
        if (value is null)
        {
            return null;
        }

        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new InvalidOperationException($"{name} must be an absolute http(s) URL, for example http://127.0.0.1:11434/v1.");
    }
}
