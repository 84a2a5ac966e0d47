using Microsoft.Extensions.AI;

namespace Upsonic.Storage;

/// <summary>What <see cref="Memory.PrepareAsync(IReadOnlyDictionary{string, object?}?, CancellationToken)"/> returns for a run: the four parts of upstream's <c>prepare_inputs_for_task</c>.</summary>
/// <remarks>
/// None of these is stored with the run: the history is already stored, and the injections belong in the run's instructions
/// (system prompt), not in the user's message.
/// </remarks>
public sealed class MemoryContext
{
    /// <summary>An empty context.</summary>
    public static MemoryContext Empty { get; } = new();

    /// <summary>The history to send before the new user message: whole turns, oldest first.</summary>
    public IReadOnlyList<ChatMessage> MessageHistory { get; init; } = [];

    /// <summary>The <c>&lt;SessionSummary&gt;</c> block, or "".</summary>
    public string ContextInjection { get; init; } = "";

    /// <summary>The <c>&lt;UserProfile&gt;</c> block, or "".</summary>
    public string SystemPromptInjection { get; init; } = "";

    /// <summary>The <c>&lt;AgentMetadata&gt;</c> and/or <c>&lt;SessionMetadata&gt;</c> blocks, or "".</summary>
    public string MetadataInjection { get; init; } = "";

    /// <summary>Puts the memory blocks into a run's instructions, the way the <c>Agent</c> and the middleware do.</summary>
    /// <param name="systemPrompt">The caller's own instructions; null or white space for none.</param>
    /// <returns>
    /// <paramref name="systemPrompt"/>, then the <c>&lt;UserProfile&gt;</c> block, then a <c>&lt;Context&gt;</c> block holding the
    /// summary and metadata blocks, joined by blank lines; <see langword="null"/> when there is nothing to say.
    /// </returns>
    /// <remarks>
    /// Use it with a loop of your own: set the result as <see cref="ChatOptions.Instructions"/> (or a system message) and send
    /// <see cref="MessageHistory"/> before the new user message. The blocks never belong in the stored user message.
    /// <para><b>Security considerations:</b> the blocks hold what was learned about the user and the session (the profile, the
    /// summary, metadata). Send them only to a model that may see that data.</para>
    /// </remarks>
    public string? ToInstructions(string? systemPrompt) => RunInstructions.Compose(systemPrompt, this);
}
