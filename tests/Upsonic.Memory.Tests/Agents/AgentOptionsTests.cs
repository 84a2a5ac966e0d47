using Microsoft.Extensions.AI;
using Upsonic.Storage;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Tests.Agents;

using Memory = Upsonic.Storage.Memory;

public sealed class AgentOptionsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ScriptedChatClient WeatherModel() => new ScriptedChatClient()
        .When(r => r.Messages.LastOrDefault()?.Contents.OfType<FunctionResultContent>().Any() == true, "It is sunny in Paris.")
        .When(r => r.Messages.LastOrDefault()?.Text == "Weather in Paris?",
            _ => new ChatResponse(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call-1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" })])))
        .When(_ => true, "ok");

    private static AITool WeatherTool() => AIFunctionFactory.Create((string city) => $"sunny in {city}", "get_weather");

    private static async Task<InMemoryStorage> StorageWithAToolTurnAsync()
    {
        var storage = new InMemoryStorage();
        var writer = new Agent(WeatherModel(), new Memory(storage, sessionId: "s1", fullSessionMemory: true), tools: [WeatherTool()]);
        await writer.DoAsync("Weather in Paris?", Ct);
        return storage;
    }

    [Fact]
    public async Task FeedToolCallResults_on_the_agent_keeps_tool_calls_in_its_history_without_changing_the_memory()
    {
        var storage = await StorageWithAToolTurnAsync();
        var memory = new Memory(storage, sessionId: "s1", fullSessionMemory: true, feedToolCallResults: false);
        var model = new ScriptedChatClient("ok");
        var agent = new Agent(model, memory, feedToolCallResults: true);

        await agent.DoAsync("And tomorrow?", Ct);

        var contents = model.Requests.Single().Messages.SelectMany(m => m.Contents).ToList();
        Assert.Contains(contents, c => c is FunctionCallContent);
        Assert.Contains(contents, c => c is FunctionResultContent);
        Assert.True(agent.FeedToolCallResults);
        Assert.False(memory.FeedToolCallResults);
    }

    [Fact]
    public async Task Without_its_own_setting_an_agent_uses_the_memorys_FeedToolCallResults()
    {
        var storage = await StorageWithAToolTurnAsync();
        var model = new ScriptedChatClient("ok");
        var agent = new Agent(model, new Memory(storage, sessionId: "s1", fullSessionMemory: true));

        await agent.DoAsync("And tomorrow?", Ct);

        var contents = model.Requests.Single().Messages.SelectMany(m => m.Contents).ToList();
        Assert.DoesNotContain(contents, c => c is FunctionCallContent or FunctionResultContent);
        Assert.False(agent.FeedToolCallResults);
    }

    [Fact]
    public async Task A_userId_override_is_recorded_on_the_runs_and_the_session_key_stays_the_memorys()
    {
        var storage = new InMemoryStorage();
        var memory = new Memory(storage, sessionId: "memory-session", userId: "memory-user", fullSessionMemory: true);
        var agent = new Agent(new ScriptedChatClient("ok"), memory, sessionId: "agent-session", userId: "agent-user");
        var task = new AgentTask("Hi");

        await agent.DoAsync(task, Ct);

        Assert.Equal("agent-session", agent.SessionId);
        Assert.Equal("agent-user", agent.UserId);
        var run = await storage.GetRunAsync("memory-session", task.RunId!, Ct);
        Assert.Equal("agent-user", run!.UserId);
        Assert.Equal("agent-user", (await storage.GetSessionAsync("memory-session", cancellationToken: Ct))!.UserId);
        Assert.Null(await storage.GetSessionAsync("agent-session", cancellationToken: Ct));
    }

    [Fact]
    public void Empty_overrides_report_the_memorys_ids()
    {
        var memory = new Memory(new InMemoryStorage(), sessionId: "s1", userId: "u1");
        var agent = new Agent(new ScriptedChatClient(), memory, sessionId: "", userId: "");

        Assert.Equal("s1", agent.SessionId);
        Assert.Equal("u1", agent.UserId);
    }

    [Fact]
    public void DebugLevel_outside_1_to_3_is_ignored_without_debug_and_rejected_with_it()
    {
        var quiet = new Agent(new ScriptedChatClient(), debugLevel: 7);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Agent(new ScriptedChatClient(), debug: true, debugLevel: 7));

        Assert.Equal(1, quiet.DebugLevel);
        Assert.Equal("debugLevel", error.ParamName);
        Assert.Equal(3, new Agent(new ScriptedChatClient(), debug: true, debugLevel: 3).DebugLevel);
    }

    [Fact]
    public async Task GetSessionUsage_sums_the_usage_of_the_sessions_runs()
    {
        var model = new ScriptedChatClient("ok") { UsagePerReply = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5, TotalTokenCount = 15 } };
        var agent = new Agent(model, new Memory(new InMemoryStorage(), sessionId: "s1", fullSessionMemory: true));
        await agent.DoAsync("one", Ct);
        await agent.DoAsync("two", Ct);

        var usage = await agent.GetSessionUsageAsync(Ct);

        Assert.Equal(20, usage.InputTokenCount);
        Assert.Equal(30, usage.TotalTokenCount);
        Assert.Equal(30, agent.GetSessionUsage().TotalTokenCount);
    }

    [Fact]
    public void GetSessionUsage_without_memory_is_empty()
    {
        var usage = new Agent(new ScriptedChatClient()).GetSessionUsage();

        Assert.Null(usage.TotalTokenCount);
        Assert.Null(usage.InputTokenCount);
    }
}
