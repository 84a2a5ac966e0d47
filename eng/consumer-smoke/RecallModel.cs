using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

/// <summary>An offline scripted model: it answers "Your name is X." when a "My name is X." appears in what it is sent (the
/// history memory injected and the new message), otherwise "I don't know your name.", so a reply shows what memory gave it.</summary>
internal sealed partial class RecallModel : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var sent = (options?.Instructions ?? "") + "\n" + string.Join("\n", messages.Select(m => m.Text));
        var name = NamePattern().Match(sent);
        var text = name.Success ? $"Your name is {name.Groups[1].Value}." : "I don't know your name.";
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, text)) { ModelId = "recall-model" });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in (await GetResponseAsync(messages, options, cancellationToken)).ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    [GeneratedRegex(@"My name is (\w+)\.")]
    private static partial Regex NamePattern();
}
