using Microsoft.Extensions.AI;
using Upsonic.Storage;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Tests.Agents;

using Memory = Upsonic.Storage.Memory;

public sealed class AgentStreamingTests
{
    private const string Reply = "Paris is the capital of France and its largest city.";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StreamAsync_yields_the_text_in_chunks_and_saves_the_run_once_when_the_stream_ends()
    {
        var storage = new InMemoryStorage();
        var memory = new Memory(storage, sessionId: "s1", fullSessionMemory: true);
        var agent = new Agent(new ScriptedChatClient().EnqueueText(Reply), memory);
        var task = new AgentTask("What is the capital of France?");
        var chunks = new List<string>();
        var storedWhileStreaming = new List<bool>();

        await foreach (var chunk in agent.StreamAsync(task, Ct))
        {
            chunks.Add(chunk);
            storedWhileStreaming.Add(await storage.GetRunAsync("s1", task.RunId!, Ct) is not null);
        }

        Assert.True(chunks.Count > 1);
        Assert.Equal(Reply, string.Concat(chunks));
        Assert.DoesNotContain(true, storedWhileStreaming);
        Assert.Equal(RunStatus.Completed, task.Status);
        Assert.Equal(Reply, task.Response);
        var session = await memory.GetSessionAsync(Ct);
        var run = Assert.Single(session!.Runs);
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(Reply, run.Output);
        Assert.Equal([ChatRole.User, ChatRole.Assistant], session.Messages.Select(m => m.Role));
        Assert.Equal(Reply, session.Messages[1].Text);
    }

    [Fact]
    public async Task A_streamed_run_is_recalled_by_the_next_run()
    {
        var memory = new Memory(new InMemoryStorage(), sessionId: "s1", fullSessionMemory: true);
        var model = new ScriptedChatClient().EnqueueText(Reply).EnqueueText("You asked about France.");
        var agent = new Agent(model, memory);
        await foreach (var _ in agent.StreamAsync("What is the capital of France?", Ct))
        {
        }

        await agent.DoAsync("What did I ask?", Ct);

        var second = model.Requests[1];
        Assert.Equal(["What is the capital of France?", Reply, "What did I ask?"], second.Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task Stopping_the_enumeration_early_saves_the_run_as_cancelled()
    {
        var storage = new InMemoryStorage();
        var agent = new Agent(new ScriptedChatClient().EnqueueText(Reply), new Memory(storage, sessionId: "s1"));
        var task = new AgentTask("What is the capital of France?");

        await foreach (var _ in agent.StreamAsync(task, Ct))
        {
            break;
        }

        Assert.Equal(RunStatus.Cancelled, task.Status);
        var run = await storage.GetRunAsync("s1", task.RunId!, Ct);
        Assert.Equal(RunStatus.Cancelled, run!.Status);
        Assert.Equal("What is the capital of France?", run.Input);
    }

    [Fact]
    public async Task Cancelling_the_token_mid_stream_saves_the_run_as_cancelled_and_rethrows()
    {
        var storage = new InMemoryStorage();
        var agent = new Agent(new ScriptedChatClient().EnqueueText(Reply), new Memory(storage, sessionId: "s1"));
        var task = new AgentTask("What is the capital of France?");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in agent.StreamAsync(task, cts.Token))
            {
                await cts.CancelAsync();
            }
        });

        Assert.Equal(RunStatus.Cancelled, task.Status);
        Assert.Equal(RunStatus.Cancelled, (await storage.GetRunAsync("s1", task.RunId!, Ct))!.Status);
    }

    [Fact]
    public async Task A_model_failure_while_streaming_saves_the_run_as_error_and_rethrows()
    {
        var storage = new InMemoryStorage();
        var agent = new Agent(new ScriptedChatClient().EnqueueThrow(new InvalidOperationException("provider down")), new Memory(storage, sessionId: "s1"));
        var task = new AgentTask("Hi");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var _ in agent.StreamAsync(task, Ct))
            {
            }
        });

        Assert.Equal("provider down", error.Message);
        Assert.Equal(RunStatus.Error, task.Status);
        var run = await storage.GetRunAsync("s1", task.RunId!, Ct);
        Assert.Equal(RunStatus.Error, run!.Status);
        Assert.Equal("provider down", run.Error);
    }

    [Fact]
    public void Stream_is_the_synchronous_twin_of_StreamAsync()
    {
        var memory = new Memory(new InMemoryStorage(), sessionId: "s1", fullSessionMemory: true);
        var agent = new Agent(new ScriptedChatClient().EnqueueText(Reply), memory);

        var chunks = agent.Stream("What is the capital of France?").ToList();

        Assert.True(chunks.Count > 1);
        Assert.Equal(Reply, string.Concat(chunks));
        Assert.Equal(2, memory.GetMessages().Count);
    }

    [Fact]
    public async Task A_streamed_run_that_asks_for_tool_approval_is_saved_as_paused_and_can_be_continued()
    {
        var storage = new InMemoryStorage();
        var calls = 0;
        var tool = new ApprovalRequiredAIFunction(AIFunctionFactory.Create(() => { calls++; return "sunny"; }, "get_weather"));
        var model = new ScriptedChatClient()
            .When(r => r.Messages.Any(m => m.Contents.OfType<FunctionResultContent>().Any()), "It is sunny.")
            .When(_ => true, _ => new ChatResponse(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call-1", "get_weather")])));
        var agent = new Agent(model, new Memory(storage, sessionId: "s1", fullSessionMemory: true), tools: [tool]);
        var task = new AgentTask("Weather?");

        var chunks = new List<string>();
        await foreach (var chunk in agent.StreamAsync(task, Ct))
        {
            chunks.Add(chunk);
        }

        Assert.Empty(chunks);
        Assert.Equal(RunStatus.Paused, task.Status);
        Assert.Equal(RunStatus.Paused, (await storage.GetRunAsync("s1", task.RunId!, Ct))!.Status);
        Assert.Equal("It is sunny.", await agent.ContinueRunAsync(task.RunId!, approve: true, Ct));
        Assert.Equal(1, calls);
    }
}
