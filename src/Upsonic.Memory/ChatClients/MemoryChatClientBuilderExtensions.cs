using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Upsonic.Storage;

namespace Upsonic;

/// <summary>Adds <see cref="MemoryChatClient"/> to a chat client pipeline.</summary>
public static class MemoryChatClientBuilderExtensions
{
    /// <summary>
    /// Adds persistent memory of one session to the pipeline: every call loads the session's history and memory blocks and saves its turn.
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="memory">The memory to read and write.</param>
    /// <param name="configure">Sets the agent id, name or metadata of the <see cref="MemoryChatClient"/>.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <remarks>An <see cref="ILoggerFactory"/> registered in the pipeline's services is used for logging.
    /// Add it before <c>UseFunctionInvocation()</c> so saved turns include tool calls and results.
    /// A pipeline shared by many users takes a <see cref="MemoryFactory"/> instead.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="memory"/> is null.</exception>
    public static ChatClientBuilder UseMemory(this ChatClientBuilder builder, Memory memory, Action<MemoryChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(memory);
        return builder.Use((inner, services) =>
        {
            var client = new MemoryChatClient(inner, memory, services.GetService<ILoggerFactory>());
            configure?.Invoke(client);
            return client;
        });
    }

    /// <summary>
    /// Adds persistent memory for every session and user of a shared pipeline: each call's memory comes from
    /// <paramref name="factory"/>, for the session the call names.
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="factory">Gives the memory of each call's session.</param>
    /// <param name="scope">Decides the session and user of a call; null reads <c>ChatOptions.AdditionalProperties</c>
    /// [<see cref="MemoryChatClient.SessionIdKey"/>] (else <see cref="ChatOptions.ConversationId"/>) and [<see cref="MemoryChatClient.UserIdKey"/>].</param>
    /// <param name="configure">Sets the agent id, name or metadata of the <see cref="MemoryChatClient"/>.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <remarks>A call without a session id throws <see cref="InvalidOperationException"/>. <b>Security considerations:</b> set the
    /// session and user ids on the server from the authenticated identity; whoever chooses them chooses whose memory is read.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="factory"/> is null.</exception>
    public static ChatClientBuilder UseMemory(this ChatClientBuilder builder, MemoryFactory factory,
        Func<IEnumerable<ChatMessage>, ChatOptions?, MemoryScope>? scope = null, Action<MemoryChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        return builder.Use((inner, services) => Create(inner, factory, scope, services, configure));
    }

    /// <summary>
    /// Adds persistent memory for every session and user of a shared pipeline, with the <see cref="MemoryFactory"/> registered in the
    /// pipeline's services (by <c>services.AddUpsonicMemory()</c>).
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="configure">Sets the agent id, name or metadata of the <see cref="MemoryChatClient"/>.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <remarks>The session and user come from each call's options as in
    /// <see cref="UseMemory(ChatClientBuilder, MemoryFactory, Func{IEnumerable{ChatMessage}, ChatOptions, MemoryScope}?, Action{MemoryChatClient}?)"/>.
    /// Building the pipeline fails with <see cref="InvalidOperationException"/> when no factory is registered.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static ChatClientBuilder UseMemory(this ChatClientBuilder builder, Action<MemoryChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) => Create(inner, services.GetRequiredService<MemoryFactory>(), null, services, configure));
    }

    private static MemoryChatClient Create(IChatClient inner, MemoryFactory factory, Func<IEnumerable<ChatMessage>, ChatOptions?, MemoryScope>? scope,
        IServiceProvider services, Action<MemoryChatClient>? configure)
    {
        var client = new MemoryChatClient(inner, factory, scope, services.GetService<ILoggerFactory>());
        configure?.Invoke(client);
        return client;
    }
}
