using Microsoft.Extensions.AI;
using Upsonic.Storage;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Tests.Agents;

using Memory = Upsonic.Storage.Memory;

public sealed class AgentMemoryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Agent_metadata_is_injected_as_an_agent_metadata_block()
    {
        var model = new ScriptedChatClient("ok");
        var agent = new Agent(model, new Memory(new InMemoryStorage(), sessionId: "s1"),
            metadata: new Dictionary<string, object?> { ["app"] = "demo" });

        await agent.DoAsync("hi", Ct);

        Assert.Contains("<AgentMetadata>\n  app: demo\n</AgentMetadata>", Assert.Single(model.Requests).Instructions);
    }

    [Fact]
    public async Task A_new_run_with_history_and_summary_off_is_saved_without_looking_the_run_up()
    {
        // Any run lookup fails: a new run's id is fresh, so the agent never needs to ask whether it was stored before.
        var storage = FaultyStorage.Wrap(new InMemoryStorage(), nameof(IStorage.GetRunAsync));
        var agent = new Agent(new ScriptedChatClient("ok"), new Memory(storage, sessionId: "s1"));

        var answer = await agent.DoAsync("hi", Ct);

        Assert.Equal("ok", answer);
        Assert.Equal(0, ((FaultyStorage)(object)storage).Failures);
    }

    [Fact]
    public void The_agent_exposes_the_memory_session_and_user()
    {
        var memory = new Memory(new InMemoryStorage(), sessionId: "s1", userId: "u1");
        var agent = new Agent(new ScriptedChatClient(), memory, name: "Helper", agentId: "a1");

        Assert.Equal("s1", agent.SessionId);
        Assert.Equal("u1", agent.UserId);
        Assert.Equal("a1", agent.AgentId);
        Assert.Null(new Agent(new ScriptedChatClient()).SessionId);
    }

    [Fact]
    public async Task The_agent_name_and_id_are_recorded_with_the_run()
    {
        var storage = new InMemoryStorage();
        var agent = new Agent(new ScriptedChatClient("ok"), new Memory(storage, sessionId: "s1", fullSessionMemory: true), name: "Helper", agentId: "a1");
        var task = new AgentTask("hi");

        await agent.DoAsync(task, Ct);

        var run = await storage.GetRunAsync("s1", task.RunId!, Ct);
        Assert.Equal("a1", run?.AgentId);
        Assert.Equal("Helper", run?.AgentName);
    }

    [Fact]
    public async Task After_a_resumed_run_the_next_run_gets_the_whole_tool_conversation_as_history()
    {
        var storage = new InMemoryStorage();
        var calls = 0;
        var tool = new ApprovalRequiredAIFunction(AIFunctionFactory.Create(() => { calls++; return "42"; }, "answer"));
        var model = new ScriptedChatClient()
            .Enqueue(new ChatResponse(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "answer", new Dictionary<string, object?>())])))
            .EnqueueText("The answer is 42.")
            .EnqueueText("You asked for the answer.");
        var memory = new Memory(storage, sessionId: "s1", fullSessionMemory: true, feedToolCallResults: true);
        var agent = new Agent(model, memory, tools: [tool]);
        var task = new AgentTask("What is the answer?");
        await agent.DoAsync(task, Ct);
        Assert.Equal(RunStatus.Paused, task.Status);

        Assert.Equal("The answer is 42.", agent.ContinueRun(task.RunId!, approve: true));
        await agent.DoAsync("What did I ask?", Ct);

        Assert.Equal(1, calls);
        var history = model.Requests[2].Messages;
        Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.Tool, ChatRole.Assistant, ChatRole.User], history.Select(m => m.Role));
        Assert.Equal("What is the answer?", history[0].Text);
    }

    [Fact]
    public async Task A_paused_run_without_memory_reports_its_pending_calls_but_cannot_be_continued()
    {
        var model = new ScriptedChatClient()
            .Enqueue(new ChatResponse(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "answer", new Dictionary<string, object?>())])));
        var agent = new Agent(model, tools: [new ApprovalRequiredAIFunction(AIFunctionFactory.Create(() => "42", "answer"))]);
        var task = new AgentTask("What is the answer?");

        var answer = await agent.DoAsync(task, Ct);

        Assert.Null(answer);
        Assert.Equal(RunStatus.Paused, task.Status);
        Assert.Equal("answer", Assert.Single(task.PendingToolCalls).Name);
        await Assert.ThrowsAsync<InvalidOperationException>(() => agent.ContinueRunAsync(task, ct: Ct));
    }

    [Fact]
    public async Task A_run_of_another_session_is_not_continued_into_this_one()
    {
        var storage = new InMemoryStorage();
        var tool = new ApprovalRequiredAIFunction(AIFunctionFactory.Create(() => "42", "answer"));
        var model = new ScriptedChatClient()
            .Enqueue(new ChatResponse(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "answer", new Dictionary<string, object?>())])));
        var task = new AgentTask("What is the answer?");
        await new Agent(model, new Memory(storage, sessionId: "s1"), tools: [tool], agentId: "a1").DoAsync(task, Ct);

        var other = new Agent(new ScriptedChatClient("unused"), new Memory(storage, sessionId: "s2"), tools: [tool], agentId: "a1");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => other.ContinueRunAsync(task.RunId!, ct: Ct));

        Assert.Contains("s1", error.Message);
    }
}
