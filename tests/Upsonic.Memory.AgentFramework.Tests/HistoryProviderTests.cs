using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Upsonic.AgentFramework;
using Upsonic.Memory.AgentFramework.Tests.Backends;
using Upsonic.Storage;

namespace Upsonic.Memory.AgentFramework.Tests;

/// <summary><see cref="MemoryChatHistoryProvider"/> behind a real <see cref="ChatClientAgent"/>: history in, one run out.</summary>
public abstract class HistoryProviderTests<TBackend> : AgentMemoryTestBase<TBackend>
    where TBackend : StorageBackend, new()
{
    [Fact]
    public async Task A_later_run_is_given_the_earlier_turns_oldest_first_before_the_new_message()
    {
        var factory = NewFactory(new MemoryOptions { FullSessionMemory = true });
        var history = new MemoryChatHistoryProvider(factory);
        var agent = NewAgent(history);
        var session = await agent.CreateSessionAsync(Ct);
        AgentModel.EnqueueText("Hello Ada.").EnqueueText("You like tea.").EnqueueText("Your name is Ada.");

        await RunAsync(agent, session, "My name is Ada.");
        await RunAsync(agent, session, "I like tea.");
        var answer = await RunAsync(agent, session, "What is my name?");

        Assert.Equal("Your name is Ada.", answer);
        Assert.Equal(
            ["user: My name is Ada.", "assistant: Hello Ada.", "user: I like tea.", "assistant: You like tea.", "user: What is my name?"],
            SentTexts(2));
        var stored = await StoredAsync(factory, history.GetScope(session));
        Assert.Equal(3, stored!.Runs.Count);
        Assert.Equal(6, stored.Messages.Count);
        Assert.All(stored.Runs, r => Assert.Equal(RunStatus.Completed, r.Status));
        Assert.Equal("What is my name?", stored.Runs[2].Input);
        Assert.Equal("Your name is Ada.", stored.Runs[2].Output);
    }

    [Fact]
    public async Task The_window_is_the_last_turns_the_factory_options_ask_for()
    {
        var factory = NewFactory(new MemoryOptions { FullSessionMemory = true, NumLastMessages = 1 });
        var agent = NewAgent(new MemoryChatHistoryProvider(factory));
        var session = await agent.CreateSessionAsync(Ct);

        await RunAsync(agent, session, "first");
        await RunAsync(agent, session, "second");
        await RunAsync(agent, session, "third");

        Assert.Equal(["user: second", "assistant: ok", "user: third"], SentTexts(2));
    }

    [Fact]
    public async Task Each_run_is_stored_as_one_run_with_only_the_callers_messages_and_the_response()
    {
        var factory = NewFactory(new MemoryOptions { FullSessionMemory = true });
        var history = new MemoryChatHistoryProvider(factory);
        var agent = NewAgent(history, instructions: "Be brief.");
        var session = await agent.CreateSessionAsync(Ct);

        await RunAsync(agent, session, "one");
        await RunAsync(agent, session, "two");

        var stored = await StoredAsync(factory, history.GetScope(session));
        Assert.Equal(["user: one", "assistant: ok"], Texts(stored!.Runs[0].Messages));
        Assert.Equal(["user: two", "assistant: ok"], Texts(stored.Runs[1].Messages));
        Assert.Equal(["user: one", "assistant: ok", "user: two", "assistant: ok"], Texts(stored.Messages));
        Assert.Equal("test-agent", stored.Runs[1].AgentName);
        Assert.Equal(agent.Id, stored.Runs[1].AgentId);
    }

    [Fact]
    public async Task Tool_calls_and_their_results_are_stored_whole_and_fed_back_when_asked()
    {
        var factory = NewFactory(new MemoryOptions { FullSessionMemory = true, FeedToolCallResults = true });
        var history = new MemoryChatHistoryProvider(factory);
        var agent = NewAgent(history, tools: [ScriptWeatherCall()]);
        var session = await agent.CreateSessionAsync(Ct);

        await RunAsync(agent, session, "Weather in Paris?");
        await RunAsync(agent, session, "Thanks!");

        var run = (await StoredAsync(factory, history.GetScope(session)))!.Runs[0];
        Assert.Equal(4, run.Messages.Count);
        var call = Assert.IsType<FunctionCallContent>(Assert.Single(run.Messages[1].Contents));
        Assert.Equal(("call-1", "get_weather", "Paris"), (call.CallId, call.Name, call.Arguments!["city"]?.ToString()));
        var result = Assert.IsType<FunctionResultContent>(Assert.Single(run.Messages[2].Contents));
        Assert.Equal("call-1", result.CallId);
        Assert.Contains("Sunny in Paris", result.Result?.ToString());
        Assert.Equal("It is sunny in Paris.", run.Messages[3].Text);
        var resent = AgentModel.Requests[^1].Messages;
        Assert.Contains(resent, m => m.Contents.OfType<FunctionCallContent>().Any(c => c.CallId == "call-1"));
        Assert.Contains(resent, m => m.Contents.OfType<FunctionResultContent>().Any(c => c.CallId == "call-1"));
    }

    [Fact]
    public async Task Without_feeding_tool_results_the_loaded_history_leaves_the_tool_calls_out()
    {
        var factory = NewFactory(new MemoryOptions { FullSessionMemory = true });
        var agent = NewAgent(new MemoryChatHistoryProvider(factory), tools: [ScriptWeatherCall()]);
        var session = await agent.CreateSessionAsync(Ct);

        await RunAsync(agent, session, "Weather in Paris?");
        await RunAsync(agent, session, "Thanks!");

        Assert.Equal(["user: Weather in Paris?", "assistant: It is sunny in Paris.", "user: Thanks!"], SentTexts(2));
    }

    [Fact]
    public async Task A_cancelled_run_is_stored_as_cancelled()
    {
        var factory = NewFactory(new MemoryOptions { FullSessionMemory = true });
        var history = new MemoryChatHistoryProvider(factory);
        var agent = NewAgent(history);
        var session = await agent.CreateSessionAsync(Ct);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        AgentModel.Enqueue(_ =>
        {
            cancel.Cancel();
            throw new OperationCanceledException(cancel.Token);
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => agent.RunAsync("Long question", session, cancellationToken: cancel.Token));

        var run = Assert.Single((await StoredAsync(factory, history.GetScope(session)))!.Runs);
        Assert.Equal(RunStatus.Cancelled, run.Status);
        Assert.Equal(["user: Long question"], Texts(run.Messages));
    }

    [Fact]
    public async Task A_streamed_run_is_stored_once_when_the_stream_ends()
    {
        var factory = NewFactory(new MemoryOptions { FullSessionMemory = true });
        var history = new MemoryChatHistoryProvider(factory);
        var agent = NewAgent(history);
        var session = await agent.CreateSessionAsync(Ct);
        var scope = history.GetScope(session);
        AgentModel.EnqueueText("one two three four five six");
        var updates = 0;
        var storedMidStream = -1;

        await foreach (var update in agent.RunStreamingAsync("Count to six.", session, cancellationToken: Ct))
        {
            if (updates++ == 0)
            {
                storedMidStream = (await StoredAsync(factory, scope))?.Runs.Count ?? 0;
            }
        }

        Assert.True(updates > 1, "the reply should arrive in several updates");
        Assert.Equal(0, storedMidStream);
        var stored = await StoredAsync(factory, scope);
        var run = Assert.Single(stored!.Runs);
        Assert.Equal(["user: Count to six.", "assistant: one two three four five six"], Texts(run.Messages));
        Assert.True(AgentModel.Requests[0].Streaming);
    }

    [Fact]
    public async Task A_failed_run_is_stored_as_an_error_run_with_its_input()
    {
        var factory = NewFactory(new MemoryOptions { FullSessionMemory = true });
        var history = new MemoryChatHistoryProvider(factory);
        var agent = NewAgent(history);
        var session = await agent.CreateSessionAsync(Ct);
        AgentModel.EnqueueThrow(new InvalidOperationException("model down"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => agent.RunAsync("Hello?", session, cancellationToken: Ct));

        Assert.Equal("model down", error.Message);
        var run = Assert.Single((await StoredAsync(factory, history.GetScope(session)))!.Runs);
        Assert.Equal(RunStatus.Error, run.Status);
        Assert.Equal("model down", run.Error);
        Assert.Equal("Hello?", run.Input);
        Assert.Equal(["user: Hello?"], Texts(run.Messages));
    }

    [Fact]
    public async Task Two_agent_sessions_of_one_agent_never_see_each_others_history()
    {
        var factory = NewFactory(new MemoryOptions { FullSessionMemory = true });
        var history = new MemoryChatHistoryProvider(factory);
        var agent = NewAgent(history);
        var ada = await agent.CreateSessionAsync(Ct);
        var bob = await agent.CreateSessionAsync(Ct);

        await RunAsync(agent, ada, "I am Ada.");
        await RunAsync(agent, bob, "I am Bob.");
        await RunAsync(agent, ada, "Who am I?");
        await RunAsync(agent, bob, "Who am I?");

        Assert.Equal(["user: I am Ada.", "assistant: ok", "user: Who am I?"], SentTexts(2));
        Assert.Equal(["user: I am Bob.", "assistant: ok", "user: Who am I?"], SentTexts(3));
        Assert.NotEqual(history.GetScope(ada), history.GetScope(bob));
    }

    [Fact]
    public async Task History_alone_injects_no_memory_blocks()
    {
        var factory = NewFactory(new MemoryOptions { FullSessionMemory = true });
        var agent = NewAgent(new MemoryChatHistoryProvider(factory), instructions: "Be brief.");
        var session = await agent.CreateSessionAsync(Ct);

        await RunAsync(agent, session, "one");
        await RunAsync(agent, session, "two");

        Assert.Equal("Be brief.", AgentModel.Requests[1].Instructions);
    }

    /// <summary>Scripts one tool round (a get_weather call for Paris, then the answer) and returns the tool.</summary>
    private AITool ScriptWeatherCall()
    {
        AgentModel.Enqueue(new ChatResponse(new ChatMessage(ChatRole.Assistant,
            [new FunctionCallContent("call-1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" })])));
        AgentModel.EnqueueText("It is sunny in Paris.");
        return AIFunctionFactory.Create((string city) => $"Sunny in {city}", "get_weather");
    }
}
