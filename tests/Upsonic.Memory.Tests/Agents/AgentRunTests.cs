using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Upsonic.Storage;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Tests.Agents;

using Memory = Upsonic.Storage.Memory;

public sealed class AgentRunTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Without_memory_a_run_is_a_plain_model_call()
    {
        var model = new ScriptedChatClient().EnqueueText("Hello there.");
        var agent = new Agent(model, systemPrompt: "Be brief.");
        var task = new AgentTask("Hi");

        var answer = await agent.DoAsync(task, Ct);

        Assert.Equal("Hello there.", answer);
        Assert.Equal("Hello there.", task.Response);
        Assert.Equal(RunStatus.Completed, task.Status);
        Assert.False(string.IsNullOrEmpty(task.RunId));
        var request = Assert.Single(model.Requests);
        Assert.Equal("Be brief.", request.Instructions);
        var message = Assert.Single(request.Messages);
        Assert.Equal(ChatRole.User, message.Role);
        Assert.Equal("Hi", message.Text);
    }

    [Fact]
    public void Do_is_the_synchronous_twin_of_DoAsync()
    {
        var agent = new Agent(new ScriptedChatClient().EnqueueText("sync answer"));

        Assert.Equal("sync answer", agent.Do("question"));
    }

    [Fact]
    public async Task Memory_blocks_go_into_the_instructions_and_the_user_message_stays_raw()
    {
        var storage = new InMemoryStorage();
        await storage.UpsertSessionAsync(new AgentSession
        {
            SessionId = "s1",
            UserId = "u1",
            Summary = "The user is planning a trip to Rome.",
            Metadata = new JsonObject { ["tier"] = "gold" },
        }, Ct);
        await storage.UpsertUserMemoryAsync(new UserMemory { UserId = "u1", Profile = new JsonObject { ["name"] = "Alice" } }, Ct);
        var memory = new Memory(storage, sessionId: "s1", userId: "u1", summaryMemory: true, userAnalysisMemory: true);
        var model = new ScriptedChatClient("ok");
        var agent = new Agent(model, memory, systemPrompt: "You are a travel agent.");

        await agent.DoAsync("Book a hotel", Ct);

        var request = model.Requests.First(r => !r.WantsJson);
        Assert.StartsWith("You are a travel agent.", request.Instructions);
        Assert.Contains("<UserProfile>", request.Instructions);
        Assert.Contains("Alice", request.Instructions);
        Assert.Contains("<SessionSummary>", request.Instructions);
        Assert.Contains("trip to Rome", request.Instructions);
        Assert.Contains("<SessionMetadata>", request.Instructions);
        Assert.Equal("Book a hotel", request.Messages[^1].Text);
        Assert.DoesNotContain(request.Messages, m => m.Text.Contains("<SessionSummary>", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_second_run_sends_the_first_run_as_history()
    {
        var storage = new InMemoryStorage();
        var model = new ScriptedChatClient().EnqueueText("Nice to meet you, Alice.").EnqueueText("Your name is Alice.");
        var agent = new Agent(model, new Memory(storage, sessionId: "s1", fullSessionMemory: true));

        await agent.DoAsync("My name is Alice", Ct);
        var answer = await agent.DoAsync("What is my name?", Ct);

        Assert.Equal("Your name is Alice.", answer);
        var second = model.Requests[1].Messages;
        Assert.Equal(["My name is Alice", "Nice to meet you, Alice.", "What is my name?"], second.Select(m => m.Text));
        var session = await storage.GetSessionAsync("s1", cancellationToken: Ct);
        Assert.NotNull(session);
        Assert.Equal(4, session.Messages.Count);
        Assert.Equal(2, session.Runs.Count);
        Assert.All(session.Runs, r => Assert.Equal(2, r.Messages.Count));
        Assert.Equal("My name is Alice", session.Runs[0].Input);
        Assert.Equal("Nice to meet you, Alice.", session.Runs[0].Output);
    }

    [Fact]
    public async Task Tools_run_through_the_function_invoking_pipeline_and_usage_is_summed_once()
    {
        var storage = new InMemoryStorage();
        var calls = 0;
        var tool = AIFunctionFactory.Create((string city) => { calls++; return $"Sunny in {city}"; }, "get_weather");
        var model = new ScriptedChatClient { UsagePerReply = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5, TotalTokenCount = 15 } }
            .Enqueue(new ChatResponse(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" })])))
            .EnqueueText("It is sunny in Paris.");
        var agent = new Agent(model, new Memory(storage, sessionId: "s1", fullSessionMemory: true), tools: [tool]);
        var task = new AgentTask("Weather in Paris?");

        var answer = await agent.DoAsync(task, Ct);

        Assert.Equal("It is sunny in Paris.", answer);
        Assert.Equal(1, calls);
        Assert.Equal(30, task.Usage?.TotalTokenCount);
        var session = await storage.GetSessionAsync("s1", cancellationToken: Ct);
        Assert.NotNull(session);
        var run = Assert.Single(session.Runs);
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(30, run.Usage?.TotalTokenCount);
        Assert.Equal(30, session.Usage?.TotalTokenCount);
        Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.Tool, ChatRole.Assistant], run.Messages.Select(m => m.Role));
    }

    [Fact]
    public async Task A_failing_model_stores_an_error_checkpoint_and_rethrows()
    {
        var storage = new InMemoryStorage();
        var model = new ScriptedChatClient().EnqueueThrow(new InvalidOperationException("model is down"));
        var agent = new Agent(model, new Memory(storage, sessionId: "s1"));
        var task = new AgentTask("Hello");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => agent.DoAsync(task, Ct));

        Assert.Equal("model is down", error.Message);
        Assert.Equal(RunStatus.Error, task.Status);
        var run = await storage.GetRunAsync("s1", task.RunId!, Ct);
        Assert.NotNull(run);
        Assert.Equal(RunStatus.Error, run.Status);
        Assert.Equal("model is down", run.Error);
        Assert.Equal("Hello", run.Input);
        Assert.Equal("Hello", Assert.Single(run.Messages).Text);
    }

    [Fact]
    public async Task A_cancelled_run_stores_a_cancelled_checkpoint_and_rethrows()
    {
        var storage = new InMemoryStorage();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var model = new ScriptedChatClient().Enqueue(_ =>
        {
            cts.Cancel();
            cts.Token.ThrowIfCancellationRequested();
            return new ChatResponse();
        });
        var agent = new Agent(model, new Memory(storage, sessionId: "s1"));
        var task = new AgentTask("Hello");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => agent.DoAsync(task, cts.Token));

        Assert.Equal(RunStatus.Cancelled, task.Status);
        var run = await storage.GetRunAsync("s1", task.RunId!, Ct);
        Assert.NotNull(run);
        Assert.Equal(RunStatus.Cancelled, run.Status);
        Assert.True(run.IsResumable);
    }

    [Fact]
    public void Constructor_rejects_a_missing_model_and_a_blank_agent_id()
    {
        Assert.Throws<ArgumentNullException>(() => new Agent(null!));
        Assert.Throws<ArgumentException>(() => new Agent(new ScriptedChatClient(), agentId: " "));
        Assert.Throws<ArgumentException>(() => new AgentTask(""));
    }
}
