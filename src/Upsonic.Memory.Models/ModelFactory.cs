using System.ClientModel;
using System.ClientModel.Primitives;
using Anthropic;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using OpenAI;

namespace Upsonic.Models;

/// <summary>Turns a model string such as <c>"openai/gpt-4o-mini"</c> into an <see cref="IChatClient"/>, as upstream's
/// <c>Agent("openai/gpt-4o")</c> does.</summary>
/// <remarks>
/// <para>Providers: <c>openai/&lt;model&gt;</c> (<c>OPENAI_API_KEY</c>, optional <c>OPENAI_BASE_URL</c>),
/// <c>anthropic/&lt;model&gt;</c> (<c>ANTHROPIC_API_KEY</c>, optional <c>ANTHROPIC_BASE_URL</c>), <c>ollama/&lt;model&gt;</c>
/// (a local Ollama's OpenAI-compatible endpoint; <c>OLLAMA_BASE_URL</c> or <c>UPSONIC_OPENAI_COMPATIBLE_ENDPOINT</c>, default
/// <c>http://127.0.0.1:11434/v1</c>) and <c>openai-compatible/&lt;model&gt;</c> (any OpenAI-compatible server such as LM Studio or
/// vLLM; <c>UPSONIC_OPENAI_COMPATIBLE_ENDPOINT</c> required, optional <c>UPSONIC_OPENAI_COMPATIBLE_API_KEY</c>).</para>
/// <para>Each setting is read from <see cref="IConfiguration"/> under the same name when one is given, else from the environment.</para>
/// <para><b>Security considerations:</b> API keys are read from configuration and never written to logs or exception messages.
/// Prompts, including the stored history and user profile that memory injects, are sent to the provider.</para>
/// </remarks>
public static class ModelFactory
{
    /// <summary>The providers a model string can name.</summary>
    public static IReadOnlyList<string> Providers { get; } = ["openai", "anthropic", "ollama", "openai-compatible"];

    /// <summary>The Ollama endpoint used when none is configured.</summary>
    public const string DefaultOllamaEndpoint = "http://127.0.0.1:11434/v1";

    /// <summary>Creates a chat client for <paramref name="model"/>.</summary>
    /// <param name="model">"provider/model", for example <c>"openai/gpt-4o-mini"</c> or <c>"anthropic/claude-sonnet-4-5"</c>.</param>
    /// <param name="configuration">Where keys and endpoints are read first; the environment is used for settings it lacks.</param>
    /// <param name="httpClient">The HTTP client the provider SDK sends with (for proxies, handlers or tests); the SDK's own by default.</param>
    /// <returns>A chat client for the model.</returns>
    /// <exception cref="ArgumentException"><paramref name="model"/> is not "provider/model" or names an unknown provider.</exception>
    /// <exception cref="InvalidOperationException">A required key or endpoint is not set; the message names the setting.</exception>
    public static IChatClient Create(string model, IConfiguration? configuration = null, HttpClient? httpClient = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var slash = model.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == model.Length - 1)
        {
            throw new ArgumentException(
                $"Model '{model}' must be \"provider/model\", for example \"openai/gpt-4o-mini\". Providers: {string.Join(", ", Providers)}.", nameof(model));
        }

        var provider = model[..slash].Trim().ToLowerInvariant();
        var modelId = model[(slash + 1)..].Trim();
        var settings = new ModelSettings(configuration);
        return provider switch
        {
            "openai" => OpenAi(modelId,
                settings.Require("OPENAI_API_KEY", $"Model '{model}' needs an OpenAI API key"),
                settings.Endpoint("OPENAI_BASE_URL"), httpClient),
            "anthropic" => Anthropic(modelId,
                settings.Require("ANTHROPIC_API_KEY", $"Model '{model}' needs an Anthropic API key"),
                settings.Endpoint("ANTHROPIC_BASE_URL"), httpClient),
            "ollama" => OpenAi(modelId, settings.Get("UPSONIC_OPENAI_COMPATIBLE_API_KEY") ?? "ollama",
                settings.Endpoint("OLLAMA_BASE_URL") ?? settings.Endpoint("UPSONIC_OPENAI_COMPATIBLE_ENDPOINT") ?? new Uri(DefaultOllamaEndpoint), httpClient),
            "openai-compatible" => OpenAi(modelId, settings.Get("UPSONIC_OPENAI_COMPATIBLE_API_KEY") ?? "not-needed",
                settings.Endpoint("UPSONIC_OPENAI_COMPATIBLE_ENDPOINT")
                    ?? throw new InvalidOperationException(
                        $"Model '{model}' needs the server's address: set UPSONIC_OPENAI_COMPATIBLE_ENDPOINT (for example http://127.0.0.1:1234/v1 for LM Studio)."),
                httpClient),
            _ => throw new ArgumentException(
                $"Model '{model}' names the unknown provider '{provider}'. Use one of: {string.Join(", ", Providers)}.", nameof(model)),
        };
    }

    private static IChatClient OpenAi(string modelId, string apiKey, Uri? endpoint, HttpClient? httpClient)
    {
        var options = new OpenAIClientOptions();
        if (endpoint is not null)
        {
            options.Endpoint = endpoint;
        }

        if (httpClient is not null)
        {
            options.Transport = new HttpClientPipelineTransport(httpClient);
        }

        return new OpenAIClient(new ApiKeyCredential(apiKey), options).GetChatClient(modelId).AsIChatClient();
    }

    private static IChatClient Anthropic(string modelId, string apiKey, Uri? endpoint, HttpClient? httpClient)
    {
        IAnthropicClient client = new AnthropicClient { ApiKey = apiKey };
        if (endpoint is not null)
        {
            client = client.WithOptions(o => o with { BaseUrl = endpoint.ToString().TrimEnd('/') });
        }

        if (httpClient is not null)
        {
            client = client.WithOptions(o => o with { HttpClient = httpClient });
        }

        return client.AsIChatClient(modelId);
    }
}
