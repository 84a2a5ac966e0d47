using Microsoft.Agents.AI;
using Upsonic.AgentFramework;
using Upsonic.Memory.AgentFramework.Tests.Backends;
using Upsonic.Storage;

namespace Upsonic.Memory.AgentFramework.Tests;

/// <summary>How the memory scope of an agent session is chosen, set and checked.</summary>
public abstract class ScopeTests<TBackend> : AgentMemoryTestBase<TBackend>
    where TBackend : StorageBackend, new()
{
    [Fact]
    public async Task A_scope_set_before_the_first_run_continues_a_known_conversation()
    {
        var factory = NewFactory(new MemoryOptions { FullSessionMemory = true });
        var history = new MemoryChatHistoryProvider(factory);
        var agent = NewAgent(history);
        var earlier = await agent.CreateSessionAsync(Ct);
        history.SetScope(earlier, new MemoryScope("support-42", "user-1"));
        await RunAsync(agent, earlier, "My order is 1234.");

        var later = await agent.CreateSessionAsync(Ct);
        history.SetScope(later, new MemoryScope("support-42", "user-1"));
        await RunAsync(agent, later, "What is my order?");

        Assert.Equal(["user: My order is 1234.", "assistant: ok", "user: What is my order?"], SentTexts(1));
        Assert.Equal(2, (await StoredAsync(factory, new MemoryScope("support-42", "user-1")))!.Runs.Count);
    }

    [Fact]
    public async Task The_resolver_chooses_the_scope_once_per_agent_session()
    {
        var calls = 0;
        var factory = NewFactory(new MemoryOptions { FullSessionMemory = true });
        var history = new MemoryChatHistoryProvider(factory, new MemoryChatHistoryProviderOptions
        {
            ScopeResolver = _ => new MemoryScope("resolved-" + ++calls, "user-" + calls),
        });
        var agent = NewAgent(history);
        var session = await agent.CreateSessionAsync(Ct);

        await RunAsync(agent, session, "one");
        await RunAsync(agent, session, "two");

        Assert.Equal(1, calls);
        Assert.Equal(new MemoryScope("resolved-1", "user-1"), history.GetScope(session));
        Assert.Equal(2, (await StoredAsync(factory, new MemoryScope("resolved-1", null)))!.Runs.Count);
    }

    [Fact]
    public async Task Without_a_resolver_each_agent_session_gets_its_own_new_session_and_user()
    {
        var factory = NewFactory(new MemoryOptions { FullSessionMemory = true });
        var history = new MemoryChatHistoryProvider(factory);
        var agent = NewAgent(history);
        var first = await agent.CreateSessionAsync(Ct);
        var second = await agent.CreateSessionAsync(Ct);

        var a = history.GetScope(first);
        var b = history.GetScope(second);

        Assert.True(Guid.TryParse(a.SessionId, out _));
        Assert.NotEqual(a.SessionId, b.SessionId);
        Assert.NotEqual(a.UserId, b.UserId);
        Assert.Equal(a, history.GetScope(first));
    }

    [Fact]
    public async Task A_scope_without_a_user_gets_one_user_id_that_stays()
    {
        var factory = NewFactory(new MemoryOptions { FullSessionMemory = true });
        var context = new MemoryContextProvider(factory);
        var agent = NewAgent(history: null, [context]);
        var session = await agent.CreateSessionAsync(Ct);

        context.SetScope(session, new MemoryScope("s-1", null));

        var user = context.GetScope(session).UserId;
        Assert.False(string.IsNullOrWhiteSpace(user));
        Assert.Equal(user, context.GetScope(session).UserId);
    }

    [Fact]
    public async Task Bad_scopes_and_options_are_rejected_naming_the_parameter()
    {
        var factory = NewFactory(new MemoryOptions());
        var history = new MemoryChatHistoryProvider(factory);
        var session = await NewAgent(history).CreateSessionAsync(Ct);

        Assert.Equal("scope", Assert.Throws<ArgumentException>(() => history.SetScope(session, new MemoryScope(" ", null))).ParamName);
        Assert.Equal("scope", Assert.Throws<ArgumentException>(() => history.SetScope(session, new MemoryScope("s", ""))).ParamName);
        Assert.Equal("session", Assert.Throws<ArgumentNullException>(() => history.SetScope(null!, new MemoryScope("s", null))).ParamName);
        Assert.Equal("session", Assert.Throws<ArgumentNullException>(() => history.GetScope(null!)).ParamName);
        Assert.Equal("factory", Assert.Throws<ArgumentNullException>(() => new MemoryChatHistoryProvider(null!)).ParamName);
        Assert.Equal("factory", Assert.Throws<ArgumentNullException>(() => new MemoryContextProvider(null!)).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() =>
            new MemoryContextProvider(factory, new MemoryContextProviderOptions { StateKey = "" })).ParamName);
    }

    [Fact]
    public async Task A_resolver_that_returns_no_session_id_fails_the_run_with_a_message_that_says_so()
    {
        var factory = NewFactory(new MemoryOptions { FullSessionMemory = true });
        var history = new MemoryChatHistoryProvider(factory, new MemoryChatHistoryProviderOptions { ScopeResolver = _ => new MemoryScope("", null) });
        var agent = NewAgent(history);
        var session = await agent.CreateSessionAsync(Ct);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => agent.RunAsync("hi", session, cancellationToken: Ct));

        Assert.Contains("resolver", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, AgentModel.CallCount);
    }

    [Fact]
    public async Task Both_providers_share_an_agent_without_a_state_key_clash()
    {
        var factory = NewFactory(new MemoryOptions());
        var history = new MemoryChatHistoryProvider(factory);
        var context = new MemoryContextProvider(factory);

        var agent = NewAgent(history, [context]);
        await RunAsync(agent, await agent.CreateSessionAsync(Ct), "hi");

        Assert.Equal([MemoryChatHistoryProvider.DefaultStateKey], history.StateKeys);
        Assert.Equal([MemoryContextProvider.DefaultStateKey], context.StateKeys);
    }
}
