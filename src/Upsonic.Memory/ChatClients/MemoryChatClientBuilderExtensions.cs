using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Upsonic.Storage;

namespace Upsonic;

/// <summary>Adds <see cref="MemoryChatClient"/> to a chat client pipeline.</summary>
public static class MemoryChatClientBuilderExtensions
{
    /// <summary>
    /// Adds persistent memory to the pipeline: every call loads the session's history and memory blocks and saves its turn.
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="memory">The memory to read and write.</param>
    /// <param name="configure">Sets the agent id, name or metadata of the <see cref="MemoryChatClient"/>.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <remarks>An <see cref="ILoggerFactory"/> registered in the pipeline's services is used for logging.
    /// Add it before <c>UseFunctionInvocation()</c> so saved turns include tool calls and results.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="memory"/> is null.</exception>
    public static ChatClientBuilder UseMemory(this ChatClientBuilder builder, Memory memory, Action<MemoryChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(memory);
        return builder.Use((inner, services) =>
        {
            var client = new MemoryChatClient(inner, memory, services.GetService(typeof(ILoggerFactory)) as ILoggerFactory);
            configure?.Invoke(client);
            return client;
        });
    }
}
