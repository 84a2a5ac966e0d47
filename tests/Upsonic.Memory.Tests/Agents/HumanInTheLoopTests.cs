using Microsoft.Extensions.AI;
using Upsonic.Storage;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Tests.Agents;

using Memory = Upsonic.Storage.Memory;

public sealed class HumanInTheLoopTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class DeleteFileTool
    {
        public int Calls { get; private set; }

        public AITool Create() => new ApprovalRequiredAIFunction(AIFunctionFactory.Create(
            (string path) => { Calls++; return $"deleted {path}"; }, "delete_file", "Deletes a file."));
    }

    /// <summary>A model that asks for the tool first and answers from the tool result (or its rejection) afterwards.</summary>
    private static ScriptedChatClient ToolCallingModel() => new ScriptedChatClient { UsagePerReply = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5, TotalTokenCount = 15 } }
        .When(r => r.Messages.Any(m => m.Contents.OfType<FunctionResultContent>().Any()),
            r => "Done: " + r.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Last().Result)
        .When(_ => true, _ => new ChatResponse(new ChatMessage(ChatRole.Assistant,
            [new FunctionCallContent("call-1", "delete_file", new Dictionary<string, object?> { ["path"] = "/tmp/a.txt" })])));

    [Fact]
    public async Task A_tool_that_needs_approval_pauses_the_run_and_stores_a_checkpoint()
    {
        var storage = new InMemoryStorage();
        var tool = new DeleteFileTool();
        var agent = new Agent(ToolCallingModel(), new Memory(storage, sessionId: "s1"), tools: [tool.Create()]);
        var task = new AgentTask("Delete /tmp/a.txt");

        var answer = await agent.DoAsync(task, Ct);

        Assert.Null(answer);
        Assert.Equal(RunStatus.Paused, task.Status);
        Assert.Equal("confirmation", task.PauseReason);
        Assert.Equal("call-1", Assert.Single(task.PendingToolCalls).CallId);
        Assert.Equal(0, tool.Calls);
        var run = await storage.GetRunAsync("s1", task.RunId!, Ct);
        Assert.NotNull(run);
        Assert.Equal(RunStatus.Paused, run.Status);
        Assert.Equal("confirmation", run.PauseReason);
        Assert.Equal("Delete /tmp/a.txt", run.Input);
        // Stored as plain conversation: the user's message and the assistant's call, no approval protocol.
        Assert.Equal([ChatRole.User, ChatRole.Assistant], run.Messages.Select(m => m.Role));
        Assert.IsType<FunctionCallContent>(Assert.Single(run.Messages[1].Contents));
    }

    [Fact]
    public async Task Another_agent_and_memory_over_the_same_storage_continue_the_run_and_the_tool_runs_once()
    {
        var storage = new InMemoryStorage();
        var tool = new DeleteFileTool();
        var first = new Agent(ToolCallingModel(), new Memory(storage, sessionId: "s1", fullSessionMemory: true), tools: [tool.Create()]);
        var paused = new AgentTask("Delete /tmp/a.txt");
        await first.DoAsync(paused, Ct);

        // A second "process": new model client, memory and agent, sharing only the storage and the ids.
        var secondModel = ToolCallingModel();
        var second = new Agent(secondModel, new Memory(storage, sessionId: "s1", fullSessionMemory: true), tools: [tool.Create()]);
        var answer = await second.ContinueRunAsync(paused.RunId!, approve: true, Ct);

        Assert.Equal("Done: deleted /tmp/a.txt", answer);
        Assert.Equal(1, tool.Calls);
        var request = Assert.Single(secondModel.Requests);
        Assert.Equal("Delete /tmp/a.txt", request.Messages[0].Text);
        Assert.Single(request.Messages, m => m.Role == ChatRole.User);

        var session = await storage.GetSessionAsync("s1", cancellationToken: Ct);
        Assert.NotNull(session);
        var run = Assert.Single(session.Runs);
        Assert.Equal(paused.RunId, run.RunId);
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal("Done: deleted /tmp/a.txt", run.Output);
        Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.Tool, ChatRole.Assistant], run.Messages.Select(m => m.Role));
        Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.Tool, ChatRole.Assistant], session.Messages.Select(m => m.Role));
        Assert.DoesNotContain(session.Messages.SelectMany(m => m.Contents), c => c is ToolApprovalRequestContent or ToolApprovalResponseContent);
        // One call before the pause and one after: 15 + 15, counted once in the session.
        Assert.Equal(30, run.Usage?.TotalTokenCount);
        Assert.Equal(30, session.Usage?.TotalTokenCount);
    }

    [Fact]
    public async Task A_rejected_call_is_not_run_and_the_model_is_told()
    {
        var storage = new InMemoryStorage();
        var tool = new DeleteFileTool();
        var agent = new Agent(ToolCallingModel(), new Memory(storage, sessionId: "s1"), tools: [tool.Create()]);
        var paused = new AgentTask("Delete /tmp/a.txt");
        await agent.DoAsync(paused, Ct);

        var answer = await agent.ContinueRunAsync(paused.RunId!, [new ToolApproval("call-1", Approved: false, "not allowed")], Ct);

        Assert.Equal(0, tool.Calls);
        Assert.NotNull(answer);
        Assert.StartsWith("Done: ", answer);
        var run = await storage.GetRunAsync("s1", paused.RunId!, Ct);
        Assert.Equal(RunStatus.Completed, run?.Status);
    }

    [Fact]
    public async Task Continuing_with_a_decision_for_an_unknown_call_is_rejected()
    {
        var storage = new InMemoryStorage();
        var agent = new Agent(ToolCallingModel(), new Memory(storage, sessionId: "s1"), tools: [new DeleteFileTool().Create()]);
        var paused = new AgentTask("Delete /tmp/a.txt");
        await agent.DoAsync(paused, Ct);

        await Assert.ThrowsAsync<ArgumentException>(() => agent.ContinueRunAsync(paused.RunId!, [new ToolApproval("nope", true)], Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => agent.ContinueRunAsync(paused.RunId!, Array.Empty<ToolApproval>(), Ct));
    }

    [Fact]
    public async Task Continuing_needs_memory_and_a_resumable_run()
    {
        var withoutMemory = new Agent(new ScriptedChatClient());
        await Assert.ThrowsAsync<InvalidOperationException>(() => withoutMemory.ContinueRunAsync("r1", ct: Ct));

        var withMemory = new Agent(new ScriptedChatClient(), new Memory(new InMemoryStorage(), sessionId: "s1"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => withMemory.ContinueRunAsync("missing", ct: Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => withMemory.ContinueRunAsync(" ", ct: Ct));
    }

    [Fact]
    public async Task An_errored_run_can_be_continued_and_completes_under_its_id()
    {
        var storage = new InMemoryStorage();
        var model = new ScriptedChatClient().EnqueueThrow(new InvalidOperationException("flaky")).EnqueueText("Recovered.");
        var agent = new Agent(model, new Memory(storage, sessionId: "s1", fullSessionMemory: true));
        var task = new AgentTask("Hello");
        await Assert.ThrowsAsync<InvalidOperationException>(() => agent.DoAsync(task, Ct));

        var answer = await agent.ContinueRunAsync(task.RunId!, ct: Ct);

        Assert.Equal("Recovered.", answer);
        var session = await storage.GetSessionAsync("s1", cancellationToken: Ct);
        var run = Assert.Single(session!.Runs);
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(["Hello", "Recovered."], run.Messages.Select(m => m.Text));
        Assert.Equal("Hello", model.Requests[1].Messages.Single().Text);
    }
}
