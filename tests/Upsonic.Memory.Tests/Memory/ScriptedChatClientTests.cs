using System.Text.Json;
using Microsoft.Extensions.AI;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Tests.Memory;

public sealed class ScriptedChatClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Queued_replies_are_returned_in_order_then_the_default()
    {
        var client = new ScriptedChatClient("default").EnqueueText("first").EnqueueJson(new { name = "Ada" });
        Assert.Equal("first", (await client.GetResponseAsync("a", cancellationToken: Ct)).Text);
        Assert.Equal("""{"name":"Ada"}""", (await client.GetResponseAsync("b", cancellationToken: Ct)).Text);
        Assert.Equal("default", (await client.GetResponseAsync("c", cancellationToken: Ct)).Text);
        Assert.Equal(0, client.PendingReplies);
    }

    [Fact]
    public async Task Without_a_script_a_request_fails_loudly()
    {
        var client = new ScriptedChatClient();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetResponseAsync("unscripted prompt", cancellationToken: Ct));
        Assert.Contains("unscripted prompt", error.Message, StringComparison.Ordinal);
        Assert.Single(client.Requests);
    }

    [Fact]
    public async Task Rules_win_over_the_queue_and_can_read_the_response_format()
    {
        var client = new ScriptedChatClient()
            .EnqueueText("queued")
            .When(r => r.WantsJson && r.Contains("Summar"), """{"summary":"short"}""");
        var json = new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(JsonDocument.Parse("""{"type":"object"}""").RootElement, "S") };
        Assert.Equal("""{"summary":"short"}""", (await client.GetResponseAsync("Summarize this", json, Ct)).Text);
        Assert.Equal("queued", (await client.GetResponseAsync("Summarize this", cancellationToken: Ct)).Text);
        Assert.Equal("S", client.Requests[0].SchemaName);
        Assert.True(client.Requests[0].WantsJson);
        Assert.False(client.Requests[1].WantsJson);
    }

    [Fact]
    public async Task Requests_are_deep_copies_with_instructions_and_characters_counted()
    {
        var client = new ScriptedChatClient("ok");
        var message = new ChatMessage(ChatRole.User, "hello");
        await client.GetResponseAsync([message], new ChatOptions { Instructions = "be brief" }, Ct);
        message.Contents.Add(new TextContent(" mutated"));
        var request = Assert.Single(client.Requests);
        Assert.Equal("hello", request.Messages[0].Text);
        Assert.Equal("be brief", request.Instructions);
        Assert.Equal("be brief".Length + "hello".Length, request.CharacterCount);
        Assert.Equal(request.CharacterCount, client.TotalCharactersSent);
        Assert.True(request.Contains("be brief"));
    }

    [Fact]
    public async Task Throw_next_fails_one_request_and_throwing_rules_fail_every_match()
    {
        var client = new ScriptedChatClient("ok").WhenThrow(r => r.Contains("boom"), new TimeoutException("rule"));
        client.ThrowNext(new InvalidOperationException("once"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetResponseAsync("x", cancellationToken: Ct));
        Assert.Equal("ok", (await client.GetResponseAsync("x", cancellationToken: Ct)).Text);
        await Assert.ThrowsAsync<TimeoutException>(() => client.GetResponseAsync("boom", cancellationToken: Ct));
        await Assert.ThrowsAsync<TimeoutException>(() => client.GetResponseAsync("boom again", cancellationToken: Ct));
        Assert.Equal(4, client.CallCount);
    }

    [Fact]
    public async Task Full_responses_carry_tool_calls_and_usage()
    {
        var call = new FunctionCallContent("c1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" });
        var client = new ScriptedChatClient { UsagePerReply = new UsageDetails { InputTokenCount = 7, OutputTokenCount = 3, TotalTokenCount = 10 } }
            .Enqueue(new ChatResponse(new ChatMessage(ChatRole.Assistant, [call])))
            .EnqueueText("Sunny.");
        var first = await client.GetResponseAsync("weather?", cancellationToken: Ct);
        Assert.Same(call, Assert.Single(first.Messages[0].Contents));
        Assert.Equal(10, first.Usage!.TotalTokenCount);
        var second = await client.GetResponseAsync([new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c1", "sunny")])], cancellationToken: Ct);
        Assert.Equal("Sunny.", second.Text);
        Assert.IsType<FunctionResultContent>(client.Requests[1].Messages[0].Contents[0]);
        Assert.True(client.Requests[1].CharacterCount > 0);
    }

    [Fact]
    public async Task Streaming_splits_the_reply_into_updates_that_join_back()
    {
        var client = new ScriptedChatClient { UsagePerReply = new UsageDetails { TotalTokenCount = 5 } }
            .EnqueueText("one two three four five six seven");
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("go", cancellationToken: Ct))
        {
            updates.Add(update);
        }

        Assert.True(updates.Count > 2);
        var response = updates.ToChatResponse();
        Assert.Equal("one two three four five six seven", response.Text);
        Assert.Equal(5, response.Usage!.TotalTokenCount);
        Assert.True(Assert.Single(client.Requests).Streaming);
    }

    [Fact]
    public void Metadata_is_exposed_as_a_service()
    {
        var client = new ScriptedChatClient { ModelId = "m1" };
        Assert.Equal("m1", client.GetService<ChatClientMetadata>()!.DefaultModelId);
        Assert.Same(client, client.GetService<ScriptedChatClient>());
    }
}
