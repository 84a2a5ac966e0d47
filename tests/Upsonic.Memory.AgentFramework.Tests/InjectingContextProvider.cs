using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

namespace Upsonic.Memory.AgentFramework.Tests;

/// <summary>A context provider of someone else's that adds a message to every run, to show injected messages are never stored.</summary>
public sealed class InjectingContextProvider(string text) : AIContextProvider
{
    /// <inheritdoc />
    protected override ValueTask<AIContext> ProvideAIContextAsync(InvokingContext context, CancellationToken cancellationToken = default) =>
        new(new AIContext { Messages = [new ChatMessage(ChatRole.User, text)] });
}
