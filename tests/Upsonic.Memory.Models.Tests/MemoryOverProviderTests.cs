using Microsoft.Extensions.Configuration;
using Upsonic.Models;
using Upsonic.Storage;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Models.Tests;

using Memory = Upsonic.Storage.Memory;

/// <summary>
/// The whole stack over each provider's real SDK: Agent, Memory (history, summary, profile extraction with structured output)
/// and the provider protocol, against a local server that answers like the provider.
/// </summary>
public sealed class MemoryOverProviderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string ProfileJson = """{"detected_expertise":"Python developer","detected_tone":null,"inferred_interests":["Python"],"current_goal":null,"session_sentiment":null,"communication_style":null,"key_entities":null,"long_term_objective_summary":null}""";

    private static string Reply(LoopbackRequest request, Func<string, string> wrap)
    {
        var body = request.Body.ToJsonString();
        return wrap(body.Contains("keep a profile of the user", StringComparison.Ordinal) ? ProfileJson
            : body.Contains("running summary", StringComparison.Ordinal) ? "Alice is a Python developer."
            : "Nice to meet you, Alice.");
    }

    public static TheoryData<string> Providers => ["openai", "anthropic"];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_agent_run_saves_history_summary_and_a_structured_profile_through_the_provider_sdk(string provider)
    {
        await using var server = new LoopbackHttpServer(request => LoopbackResponse.Ok(provider == "openai"
            ? Reply(request, text => ProviderReplies.OpenAiChat("gpt-4o-mini", text))
            : Reply(request, text => ProviderReplies.AnthropicMessage("claude-sonnet-4-5", text))));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OPENAI_API_KEY"] = "sk-test",
            ["OPENAI_BASE_URL"] = server.BaseUrl + "v1",
            ["ANTHROPIC_API_KEY"] = "sk-ant-test",
            ["ANTHROPIC_BASE_URL"] = server.BaseUrl.ToString(),
        }).Build();
        var model = ModelFactory.Create(provider == "openai" ? "openai/gpt-4o-mini" : "anthropic/claude-sonnet-4-5", configuration);
        var storage = new InMemoryStorage();
        await using var memory = new Memory(storage, sessionId: "s1", userId: "u1",
            fullSessionMemory: true, summaryMemory: true, userAnalysisMemory: true, model: model);
        var agent = new Agent(model, memory);

        var answer = await agent.DoAsync("My name is Alice and I'm a Python developer", Ct);
        await agent.DoAsync("What's my name?", Ct);

        Assert.Equal("Nice to meet you, Alice.", answer);
        var profile = await storage.GetUserMemoryAsync("u1", cancellationToken: Ct);
        Assert.Equal("Python developer", (string?)profile?.Profile["detected_expertise"]);
        var session = await storage.GetSessionAsync("s1", cancellationToken: Ct);
        Assert.Equal("Alice is a Python developer.", session?.Summary);
        Assert.Equal(4, session?.Messages.Count);

        // The profile step asked for structured output in the provider's own protocol.
        var profileRequest = server.Requests.First(r => r.Body.ToJsonString().Contains("keep a profile of the user", StringComparison.Ordinal));
        var format = provider == "openai" ? profileRequest.Body["response_format"] : profileRequest.Body["output_config"]?["format"];
        Assert.Equal("json_schema", (string?)format?["type"]);

        // The second chat request carries the history, and the memory blocks only in the system part.
        var chat = server.Requests.Where(r => r.Body.ToJsonString().Contains("my name?", StringComparison.Ordinal)
            && !r.Body.ToJsonString().Contains("keep a profile", StringComparison.Ordinal)
            && !r.Body.ToJsonString().Contains("running summary", StringComparison.Ordinal)).Single();
        var messages = chat.Body["messages"]!.AsArray().Where(m => (string?)m!["role"] is "user" or "assistant").ToList();
        Assert.Equal(3, messages.Count);
        Assert.Equal("My name is Alice and I'm a Python developer", TextOf(messages[0]!["content"]));
        Assert.Equal("What's my name?", TextOf(messages[^1]!["content"]));
        var system = provider == "openai"
            ? string.Concat(chat.Body["messages"]!.AsArray().Where(m => (string?)m!["role"] is "system" or "developer").Select(m => TextOf(m!["content"])))
            : TextOf(chat.Body["system"]);
        Assert.Contains("<UserProfile>", system);
        Assert.Contains("<SessionSummary>", system);
    }

    /// <summary>The text of a message content in either protocol: a string, or parts with "text".</summary>
    private static string TextOf(System.Text.Json.Nodes.JsonNode? node) => node switch
    {
        System.Text.Json.Nodes.JsonValue value when value.TryGetValue<string>(out var text) => text,
        System.Text.Json.Nodes.JsonArray array => string.Concat(array.Select(TextOf)),
        System.Text.Json.Nodes.JsonObject obj => TextOf(obj["text"]),
        _ => "",
    };
}
