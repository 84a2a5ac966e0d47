using Microsoft.Extensions.AI;
using Upsonic.Storage;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Tests.ChatClients;

using Memory = Upsonic.Storage.Memory;

public sealed class MemoryChatClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static (IChatClient Client, ScriptedChatClient Model, InMemoryStorage Storage) Pipeline(Action<MemoryChatClient>? configure = null)
    {
        var storage = new InMemoryStorage();
        var model = new ScriptedChatClient();
        var client = model.AsBuilder().UseMemory(new Memory(storage, sessionId: "s1", fullSessionMemory: true), configure).Build();
        return (client, model, storage);
    }

    [Fact]
    public async Task The_caller_sends_only_the_new_turn_and_the_middleware_adds_the_history()
    {
        var (client, model, storage) = Pipeline();
        model.EnqueueText("Hi Alice.").EnqueueText("You are Alice.");

        await client.GetResponseAsync("I am Alice", cancellationToken: Ct);
        var response = await client.GetResponseAsync("Who am I?", cancellationToken: Ct);

        Assert.Equal("You are Alice.", response.Text);
        Assert.Equal(["I am Alice", "Hi Alice.", "Who am I?"], model.Requests[1].Messages.Select(m => m.Text));
        var session = await storage.GetSessionAsync("s1", cancellationToken: Ct);
        Assert.Equal(["I am Alice", "Hi Alice.", "Who am I?", "You are Alice."], session!.Messages.Select(m => m.Text));
        Assert.Equal(2, session.Runs.Count);
        Assert.Equal("Who am I?", session.Runs[1].Input);
        Assert.Equal("You are Alice.", session.Runs[1].Output);
    }

    [Fact]
    public async Task A_turn_with_history_and_summary_off_is_saved_without_looking_the_run_up()
    {
        // Any run lookup fails: every turn is a new run, so the middleware never asks whether it was stored before.
        var storage = FaultyStorage.Wrap(new InMemoryStorage(), nameof(IStorage.GetRunAsync));
        var client = new ScriptedChatClient("ok").AsBuilder().UseMemory(new Memory(storage, sessionId: "s1")).Build();

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], cancellationToken: Ct);

        Assert.Equal("ok", response.Text);
        Assert.Equal(0, ((FaultyStorage)(object)storage).Failures);
    }

    [Fact]
    public async Task Memory_blocks_are_merged_into_a_clone_of_the_options()
    {
        var (client, model, storage) = Pipeline(c => c.Metadata = new Dictionary<string, object?> { ["app"] = "demo" });
        model.EnqueueText("ok");
        var options = new ChatOptions { Instructions = "Be kind.", Temperature = 0.5f };

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hello")], options, Ct);

        var request = Assert.Single(model.Requests);
        Assert.StartsWith("Be kind.", request.Instructions);
        Assert.Contains("<AgentMetadata>", request.Instructions);
        Assert.Equal(0.5f, request.Options?.Temperature);
        Assert.Equal("Be kind.", options.Instructions);
        var run = Assert.Single((await storage.GetSessionAsync("s1", cancellationToken: Ct))!.Runs);
        Assert.Equal("hello", run.Messages[0].Text);
    }

    [Fact]
    public async Task System_messages_of_the_turn_are_sent_first_and_not_stored()
    {
        var (client, model, storage) = Pipeline();
        model.EnqueueText("one").EnqueueText("two");

        await client.GetResponseAsync([new ChatMessage(ChatRole.System, "sys"), new ChatMessage(ChatRole.User, "a")], cancellationToken: Ct);
        await client.GetResponseAsync([new ChatMessage(ChatRole.System, "sys"), new ChatMessage(ChatRole.User, "b")], cancellationToken: Ct);

        Assert.Equal(["sys", "a", "one", "b"], model.Requests[1].Messages.Select(m => m.Text));
        var session = await storage.GetSessionAsync("s1", cancellationToken: Ct);
        Assert.Equal(["a", "one", "b", "two"], session!.Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task A_completed_stream_is_saved_once_with_the_whole_answer()
    {
        var (client, model, storage) = Pipeline();
        model.EnqueueText("The quick brown fox jumps over the lazy dog.");

        var text = "";
        await foreach (var update in client.GetStreamingResponseAsync("Tell me a sentence", cancellationToken: Ct))
        {
            text += update.Text;
        }

        Assert.Equal("The quick brown fox jumps over the lazy dog.", text);
        var session = await storage.GetSessionAsync("s1", cancellationToken: Ct);
        var run = Assert.Single(session!.Runs);
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal("The quick brown fox jumps over the lazy dog.", run.Output);
        Assert.Equal(["Tell me a sentence", "The quick brown fox jumps over the lazy dog."], run.Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task A_stream_abandoned_midway_is_saved_as_cancelled_with_what_was_received()
    {
        var (client, model, storage) = Pipeline();
        model.EnqueueText("one two three four five six seven eight nine");

        var received = "";
        await foreach (var update in client.GetStreamingResponseAsync("Count", cancellationToken: Ct))
        {
            received += update.Text;
            break;
        }

        var session = await storage.GetSessionAsync("s1", cancellationToken: Ct);
        var run = Assert.Single(session!.Runs);
        Assert.Equal(RunStatus.Cancelled, run.Status);
        Assert.Equal("Count", run.Input);
        Assert.Equal(2, run.Messages.Count);
        Assert.Equal(received, run.Messages[1].Text);
        Assert.NotEqual("one two three four five six seven eight nine", received);
    }

    [Fact]
    public async Task An_inner_failure_is_saved_as_an_error_and_rethrown()
    {
        var (client, model, storage) = Pipeline();
        model.EnqueueThrow(new InvalidOperationException("boom"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        var run = Assert.Single((await storage.GetSessionAsync("s1", cancellationToken: Ct))!.Runs);
        Assert.Equal(RunStatus.Error, run.Status);
        Assert.Equal("boom", run.Error);
    }

    [Fact]
    public async Task Tool_calls_inside_the_pipeline_are_saved_with_the_turn()
    {
        var storage = new InMemoryStorage();
        var model = new ScriptedChatClient()
            .Enqueue(new ChatResponse(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "now", new Dictionary<string, object?>())])))
            .EnqueueText("It is noon.");
        var client = model.AsBuilder().UseMemory(new Memory(storage, sessionId: "s1", fullSessionMemory: true)).UseFunctionInvocation().Build();
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create(() => "12:00", "now")] };

        var response = await client.GetResponseAsync("What time is it?", options, Ct);

        Assert.Equal("It is noon.", response.Text);
        var run = Assert.Single((await storage.GetSessionAsync("s1", cancellationToken: Ct))!.Runs);
        Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.Tool, ChatRole.Assistant], run.Messages.Select(m => m.Role));
    }

    [Fact]
    public void UseMemory_rejects_missing_arguments()
    {
        Assert.Throws<ArgumentNullException>(() => new ScriptedChatClient().AsBuilder().UseMemory((Memory)null!));
        Assert.Throws<ArgumentNullException>(() => new ScriptedChatClient().AsBuilder().UseMemory((MemoryFactory)null!));
        Assert.Throws<ArgumentNullException>(() => new MemoryChatClient(new ScriptedChatClient(), (Memory)null!));
    }

    [Fact]
    public async Task A_stream_cancelled_by_its_token_is_saved_as_cancelled()
    {
        var (client, model, storage) = Pipeline();
        model.EnqueueText("one two three four five six seven eight nine");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("Count", cancellationToken: cts.Token))
            {
                cts.Cancel();
            }
        });

        var run = Assert.Single((await storage.GetSessionAsync("s1", cancellationToken: Ct))!.Runs);
        Assert.Equal(RunStatus.Cancelled, run.Status);
        Assert.Equal("Count", run.Messages[0].Text);
    }

    [Fact]
    public async Task The_agent_id_name_and_usage_are_recorded_with_the_turn()
    {
        var (client, model, storage) = Pipeline(c => { c.AgentId = "chat"; c.AgentName = "Chat"; });
        model.UsagePerReply = new UsageDetails { InputTokenCount = 3, OutputTokenCount = 2, TotalTokenCount = 5 };
        model.EnqueueText("ok");

        await client.GetResponseAsync("hi", cancellationToken: Ct);

        var session = await storage.GetSessionAsync("s1", cancellationToken: Ct);
        var run = Assert.Single(session!.Runs);
        Assert.Equal("chat", run.AgentId);
        Assert.Equal("Chat", run.AgentName);
        Assert.Equal(5, run.Usage?.TotalTokenCount);
        Assert.Equal(5, session.Usage?.TotalTokenCount);
    }
}
