using Microsoft.Extensions.AI;

namespace Upsonic.Storage;

/// <summary>What <see cref="Memory.PrepareAsync"/> returns for a run: the four parts of upstream's <c>prepare_inputs_for_task</c>.</summary>
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
}
