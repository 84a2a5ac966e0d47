using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Upsonic.Models;

namespace Upsonic.Memory.Models.Tests;

public sealed class ModelFactoryTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Theory]
    [InlineData("gpt-4o-mini")]
    [InlineData("openai")]
    [InlineData("openai/")]
    [InlineData("/gpt-4o")]
    public void A_model_string_without_provider_and_model_is_rejected(string model)
    {
        var error = Assert.Throws<ArgumentException>(() => ModelFactory.Create(model));
        Assert.Contains("provider/model", error.Message);
    }

    [Fact]
    public void An_unknown_provider_is_rejected_with_the_known_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => ModelFactory.Create("mystery/model-1"));
        Assert.Contains("mystery", error.Message);
        Assert.Contains("openai, anthropic, ollama, openai-compatible", error.Message);
    }

    [Theory]
    [InlineData("openai/gpt-4o-mini", "OPENAI_API_KEY")]
    [InlineData("anthropic/claude-sonnet-4-5", "ANTHROPIC_API_KEY")]
    public void A_missing_key_says_exactly_what_to_set(string model, string setting)
    {
        if (Environment.GetEnvironmentVariable(setting) is { Length: > 0 })
        {
            Assert.Skip($"{setting} is set in this environment; unset it to check the missing-key message.");
        }

        var error = Assert.Throws<InvalidOperationException>(() => ModelFactory.Create(model, Config()));
        Assert.Contains(setting, error.Message);
    }

    [Fact]
    public void An_openai_compatible_model_needs_an_endpoint()
    {
        if (Environment.GetEnvironmentVariable("UPSONIC_OPENAI_COMPATIBLE_ENDPOINT") is { Length: > 0 })
        {
            Assert.Skip("UPSONIC_OPENAI_COMPATIBLE_ENDPOINT is set in this environment.");
        }

        var error = Assert.Throws<InvalidOperationException>(() => ModelFactory.Create("openai-compatible/qwen3", Config()));
        Assert.Contains("UPSONIC_OPENAI_COMPATIBLE_ENDPOINT", error.Message);
    }

    [Fact]
    public void A_malformed_endpoint_is_rejected_without_echoing_the_key()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            ModelFactory.Create("openai/gpt-4o-mini", Config(("OPENAI_API_KEY", "sk-very-secret"), ("OPENAI_BASE_URL", "not a url"))));
        Assert.Contains("OPENAI_BASE_URL", error.Message);
        Assert.DoesNotContain("sk-very-secret", error.Message);
    }

    [Fact]
    public void Keys_come_from_configuration_and_the_client_reports_its_model()
    {
        var client = ModelFactory.Create("openai/gpt-4o-mini", Config(("OPENAI_API_KEY", "sk-test")));
        Assert.Equal("gpt-4o-mini", client.GetService<ChatClientMetadata>()?.DefaultModelId);
    }
}
