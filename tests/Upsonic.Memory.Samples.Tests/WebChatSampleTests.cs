using System.Net;

namespace Upsonic.Memory.Samples.Tests;

/// <summary>
/// The WebChat sample as a real web server: two users talk to it at the same time in conversations with the same id, the server
/// is restarted, and each user still gets only their own answers.
/// </summary>
public sealed class WebChatSampleTests : IDisposable
{
    private readonly SampleProcess _samples = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _samples.Dispose();

    [Fact]
    public async Task Two_users_of_one_server_each_get_only_their_own_memory_before_and_after_a_restart()
    {
        await using (var server = await WebChatServer.StartAsync(_samples.WorkingDirectory, Ct))
        {
            await Task.WhenAll(
                server.ChatAsync("alice", "c1", "My name is Alice and I am a Python developer", Ct),
                server.ChatAsync("bob", "c1", "My name is Bob and I am a Rust engineer", Ct));
            var answers = await Task.WhenAll(
                server.ChatAsync("alice", "c1", "What is my name?", Ct),
                server.ChatAsync("bob", "c1", "What is my name?", Ct));

            AssertOnly("Alice", "Bob", answers[0]);
            AssertOnly("Bob", "Alice", answers[1]);
            Assert.Equal(0, await server.StopAsync(Ct));
        }

        await using var restarted = await WebChatServer.StartAsync(_samples.WorkingDirectory, Ct);
        var again = await Task.WhenAll(
            restarted.ChatAsync("alice", "c1", "What is my name?", Ct),
            restarted.ChatAsync("bob", "c1", "What is my name?", Ct),
            // A new conversation knows the user from the profile written in the background before the first server stopped.
            restarted.ChatAsync("alice", "c2", "What is my expertise?", Ct),
            restarted.ChatAsync("carol", "c1", "What is my name?", Ct));

        AssertOnly("Alice", "Bob", again[0]);
        AssertOnly("Bob", "Alice", again[1]);
        AssertOnly("Python", "Rust", again[2]);
        Assert.Contains("don't know anything about you", again[3], StringComparison.Ordinal);
        Assert.Equal(0, await restarted.StopAsync(Ct));
    }

    [Fact]
    public async Task A_streamed_turn_arrives_in_chunks_and_is_remembered_by_the_next_call_of_that_user_only()
    {
        await using var server = await WebChatServer.StartAsync(_samples.WorkingDirectory, Ct);

        var told = await server.StreamAsync("alice", "c1", "My name is Alice and I am a Python developer", Ct);
        var streamedAnswer = await server.StreamAsync("alice", "c1", "What is my name?", Ct);
        var plainAnswer = await server.ChatAsync("alice", "c1", "What is my name?", Ct);
        var otherUser = await server.StreamAsync("bob", "c1", "What is my name?", Ct);

        Assert.True(told.Count > 1, $"one turn arrives as several events: [{string.Join("|", told)}]");
        AssertOnly("Alice", "Bob", string.Concat(streamedAnswer));
        AssertOnly("Alice", "Bob", plainAnswer);
        Assert.DoesNotContain("Alice", string.Concat(otherUser), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, await server.PostStatusAsync("/chat/stream", new { conversationId = "c1", message = "Who am I?" }, Ct));
        Assert.Equal(0, await server.StopAsync(Ct));
    }

    private static void AssertOnly(string own, string other, string answer)
    {
        Assert.Contains(own, answer, StringComparison.Ordinal);
        Assert.DoesNotContain(other, answer, StringComparison.Ordinal);
    }
}
