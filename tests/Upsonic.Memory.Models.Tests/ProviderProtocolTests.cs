using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Upsonic.Models;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Models.Tests;

/// <summary>Drives the real OpenAI and Anthropic SDK clients against a local server that speaks their protocols.</summary>
public sealed class ProviderProtocolTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public sealed record Profile(string Name, string Expertise);

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private static List<ChatMessage> Turn(string text) => [new(ChatRole.User, text)];

    [Fact]
    public async Task OpenAI_chat_completions_round_trip_through_the_real_sdk()
    {
        await using var server = new LoopbackHttpServer(_ => LoopbackResponse.Ok(ProviderReplies.OpenAiChat("gpt-4o-mini", "Hello Alice!")));
        var client = ModelFactory.Create("openai/gpt-4o-mini",
            Config(("OPENAI_API_KEY", "sk-test-key"), ("OPENAI_BASE_URL", server.BaseUrl + "v1")));

        var response = await client.GetResponseAsync(Turn("Hi, I am Alice"), new ChatOptions { Instructions = "Be friendly." }, Ct);

        Assert.Equal("Hello Alice!", response.Text);
        Assert.Equal(18, response.Usage?.TotalTokenCount);
        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("Bearer sk-test-key", request.Headers["authorization"]);
        Assert.Equal("gpt-4o-mini", (string?)request.Body["model"]);
        var messages = request.Body["messages"]!.AsArray();
        Assert.Contains(messages, m => (string?)m!["role"] is "system" or "developer" && m["content"]!.ToJsonString().Contains("Be friendly."));
        Assert.Contains(messages, m => (string?)m!["role"] == "user" && m["content"]!.ToJsonString().Contains("Hi, I am Alice"));
    }

    [Fact]
    public async Task OpenAI_structured_output_sends_a_json_schema_and_parses_the_reply()
    {
        await using var server = new LoopbackHttpServer(_ => LoopbackResponse.Ok(ProviderReplies.OpenAiChat("gpt-4o-mini", """{"name":"Alice","expertise":"Python"}""")));
        var client = ModelFactory.Create("openai/gpt-4o-mini",
            Config(("OPENAI_API_KEY", "sk-test-key"), ("OPENAI_BASE_URL", server.BaseUrl + "v1")));

        var response = await client.GetResponseAsync<Profile>("Extract the profile: I am Alice, a Python developer.", cancellationToken: Ct);

        Assert.Equal(new Profile("Alice", "Python"), response.Result);
        var format = Assert.Single(server.Requests).Body["response_format"];
        Assert.NotNull(format);
        Assert.Equal("json_schema", (string?)format["type"]);
        Assert.Contains("expertise", format["json_schema"]!.ToJsonString());
    }

    [Fact]
    public async Task Anthropic_messages_round_trip_through_the_real_sdk()
    {
        await using var server = new LoopbackHttpServer(_ => LoopbackResponse.Ok(ProviderReplies.AnthropicMessage("claude-sonnet-4-5", "Hello Alice!")));
        var client = ModelFactory.Create("anthropic/claude-sonnet-4-5",
            Config(("ANTHROPIC_API_KEY", "sk-ant-test"), ("ANTHROPIC_BASE_URL", server.BaseUrl.ToString())));

        var response = await client.GetResponseAsync(Turn("Hi, I am Alice"), new ChatOptions { Instructions = "Be friendly." }, Ct);

        Assert.Equal("Hello Alice!", response.Text);
        Assert.Equal(11, response.Usage?.InputTokenCount);
        var request = Assert.Single(server.Requests);
        Assert.Equal("/v1/messages", request.Path);
        // Anthropic SDK 13.x sends the API key as a bearer token (see ClientOptions.ApiKey).
        Assert.Equal("Bearer sk-ant-test", request.Headers["authorization"]);
        Assert.True(request.Headers.ContainsKey("anthropic-version"));
        Assert.Equal("claude-sonnet-4-5", (string?)request.Body["model"]);
        Assert.Contains("Be friendly.", request.Body["system"]!.ToJsonString());
        var user = Assert.Single(request.Body["messages"]!.AsArray());
        Assert.Equal("user", (string?)user!["role"]);
        Assert.Contains("Hi, I am Alice", user["content"]!.ToJsonString());
    }

    [Fact]
    public async Task Anthropic_structured_output_returns_the_typed_profile()
    {
        await using var server = new LoopbackHttpServer(_ => LoopbackResponse.Ok(ProviderReplies.AnthropicMessage("claude-sonnet-4-5", """{"name":"Alice","expertise":"Python"}""")));
        var client = ModelFactory.Create("anthropic/claude-sonnet-4-5",
            Config(("ANTHROPIC_API_KEY", "sk-ant-test"), ("ANTHROPIC_BASE_URL", server.BaseUrl.ToString())));

        var response = await client.GetResponseAsync<Profile>("Extract the profile: I am Alice, a Python developer.", cancellationToken: Ct);

        Assert.Equal(new Profile("Alice", "Python"), response.Result);
        var format = Assert.Single(server.Requests).Body["output_config"]?["format"];
        Assert.NotNull(format);
        Assert.Equal("json_schema", (string?)format["type"]);
        Assert.Contains("expertise", format["schema"]!.ToJsonString());
    }

    [Fact]
    public async Task Ollama_models_use_the_openai_protocol_at_the_configured_local_endpoint()
    {
        await using var server = new LoopbackHttpServer(_ => LoopbackResponse.Ok(ProviderReplies.OpenAiChat("llama3.2", "Hi from Ollama")));
        var client = ModelFactory.Create("ollama/llama3.2", Config(("OLLAMA_BASE_URL", server.BaseUrl + "v1")));

        var response = await client.GetResponseAsync(Turn("hello"), cancellationToken: Ct);

        Assert.Equal("Hi from Ollama", response.Text);
        var request = Assert.Single(server.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("llama3.2", (string?)request.Body["model"]);
    }

    [Fact]
    public async Task Openai_compatible_models_use_the_configured_endpoint_and_key()
    {
        await using var server = new LoopbackHttpServer(_ => LoopbackResponse.Ok(ProviderReplies.OpenAiChat("qwen3", "Hi from LM Studio")));
        var client = ModelFactory.Create("openai-compatible/qwen3",
            Config(("UPSONIC_OPENAI_COMPATIBLE_ENDPOINT", server.BaseUrl + "v1"), ("UPSONIC_OPENAI_COMPATIBLE_API_KEY", "lm-key")));

        var response = await client.GetResponseAsync(Turn("hello"), cancellationToken: Ct);

        Assert.Equal("Hi from LM Studio", response.Text);
        var request = Assert.Single(server.Requests);
        Assert.Equal("Bearer lm-key", request.Headers["authorization"]);
        Assert.Equal("qwen3", (string?)request.Body["model"]);
    }
}
