using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Upsonic.Storage;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Tests.ChatClients;

// How a pipeline shared by many sessions finds each call's session, and what it sends inward.
public sealed class SharedPipelineTests : IAsyncDisposable
{
    private readonly InMemoryStorage _storage = new();
    private readonly ScriptedChatClient _model = new("ok");
    private readonly MemoryFactory _factory;

    public SharedPipelineTests()
    {
        _factory = new MemoryFactory(_storage, new MemoryOptions { FullSessionMemory = true });
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _storage.DisposeAsync();
    }

    private IChatClient Pipeline(Func<IEnumerable<ChatMessage>, ChatOptions?, MemoryScope>? scope = null) =>
        _model.AsBuilder().UseMemory(_factory, scope).Build();

    private static ChatOptions Keys(string? session, string? user = null)
    {
        var options = new ChatOptions { AdditionalProperties = [] };
        if (session is not null)
        {
            options.AdditionalProperties[MemoryChatClient.SessionIdKey] = session;
        }

        if (user is not null)
        {
            options.AdditionalProperties[MemoryChatClient.UserIdKey] = user;
        }

        return options;
    }

    [Fact]
    public async Task The_session_and_user_keys_choose_the_memory_and_are_not_sent_inward()
    {
        var options = Keys("s1", "u1");
        options.AdditionalProperties!["other"] = "kept";

        await Pipeline().GetResponseAsync("hello", options, Ct);

        var sent = _model.Requests[0].Options!;
        Assert.Equal(["other"], sent.AdditionalProperties!.Keys);
        Assert.Equal(3, options.AdditionalProperties.Count);
        var session = await _storage.GetSessionAsync("s1", cancellationToken: Ct);
        Assert.Equal("u1", session!.Runs[0].UserId);
    }

    [Fact]
    public async Task The_conversation_id_is_the_session_when_no_key_is_given_and_is_not_sent_inward()
    {
        var pipeline = Pipeline();
        await pipeline.GetResponseAsync("first", new ChatOptions { ConversationId = "conv-1" }, Ct);
        await pipeline.GetStreamingResponseAsync("second", new ChatOptions { ConversationId = "conv-1" }, Ct).ToChatResponseAsync(Ct);

        Assert.All(_model.Requests, r => Assert.Null(r.Options!.ConversationId));
        Assert.Equal(["first", "ok", "second"], _model.Requests[1].Messages.Select(m => m.Text));
        Assert.Equal(2, (await _storage.GetSessionAsync("conv-1", cancellationToken: Ct))!.Runs.Count);
    }

    [Fact]
    public async Task A_conversation_id_that_is_not_the_session_is_passed_on()
    {
        var options = Keys("s1");
        options.ConversationId = "provider-thread";

        await Pipeline().GetResponseAsync("hello", options, Ct);

        Assert.Equal("provider-thread", _model.Requests[0].Options!.ConversationId);
        Assert.Null(await _storage.GetSessionAsync("provider-thread", cancellationToken: Ct));
    }

    [Fact]
    public async Task A_call_without_a_session_fails_and_says_how_to_pass_one()
    {
        var pipeline = Pipeline();

        var plain = await Assert.ThrowsAsync<InvalidOperationException>(() => pipeline.GetResponseAsync("hello", cancellationToken: Ct));
        var streaming = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await pipeline.GetStreamingResponseAsync("hello", Keys(" ", "u1"), Ct).ToChatResponseAsync(Ct));

        Assert.Contains(MemoryChatClient.SessionIdKey, plain.Message, StringComparison.Ordinal);
        Assert.Contains("ConversationId", streaming.Message, StringComparison.Ordinal);
        Assert.Equal(0, _model.CallCount);
        Assert.Equal(0, (await _storage.GetSessionsAsync(new SessionQuery(), Ct)).Total);
    }

    [Fact]
    public async Task A_scope_function_decides_the_session_and_user()
    {
        var pipeline = Pipeline((messages, options) => new MemoryScope("tenant-" + options!.AdditionalProperties!["tenant"], "alice"));
        var options = new ChatOptions { AdditionalProperties = new() { ["tenant"] = "7" } };

        await pipeline.GetResponseAsync("hello", options, Ct);

        var session = await _storage.GetSessionAsync("tenant-7", cancellationToken: Ct);
        Assert.Equal("alice", session!.Runs[0].UserId);
    }

    [Fact]
    public async Task A_scope_function_without_a_session_fails_the_call()
    {
        var pipeline = Pipeline((_, _) => new MemoryScope("", null));

        await Assert.ThrowsAsync<InvalidOperationException>(() => pipeline.GetResponseAsync("hello", cancellationToken: Ct));
        Assert.Equal(0, _model.CallCount);
    }

    [Fact]
    public async Task UseMemory_without_arguments_takes_the_factory_from_the_services()
    {
        var services = new ServiceCollection().AddSingleton(_factory).BuildServiceProvider();
        var pipeline = _model.AsBuilder().UseMemory(c => c.AgentName = "helper").Build(services);

        await pipeline.GetResponseAsync("hello", Keys("s1"), Ct);

        Assert.Same(_factory, pipeline.GetService<MemoryChatClient>()!.Factory);
        Assert.Equal("helper", (await _storage.GetSessionAsync("s1", cancellationToken: Ct))!.Runs[0].AgentName);
    }

    [Fact]
    public void UseMemory_without_a_registered_factory_fails_when_the_pipeline_is_built()
    {
        var services = new ServiceCollection().BuildServiceProvider();
        Assert.Throws<InvalidOperationException>(() => _model.AsBuilder().UseMemory().Build(services));
    }
}
