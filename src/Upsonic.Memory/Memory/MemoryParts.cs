namespace Upsonic.Storage;

/// <summary>
/// Which parts of a run's memory <see cref="Memory.PrepareAsync(MemoryParts, IReadOnlyDictionary{string, object?}?, CancellationToken)"/>
/// loads: the history, the injection blocks, or both.
/// </summary>
/// <remarks>
/// A caller that hands the two halves to different places (a chat history provider and a context provider, for example) loads
/// each half on its own and does no read it does not need. The memory's load flags still apply: a part whose flag is off stays empty.
/// </remarks>
[Flags]
public enum MemoryParts
{
    /// <summary>The history: the last turns of the session (<see cref="MemoryContext.MessageHistory"/>). No profile read.</summary>
    History = 1,

    /// <summary>
    /// The injection blocks: summary, user profile and metadata (<see cref="MemoryContext.ContextInjection"/>,
    /// <see cref="MemoryContext.SystemPromptInjection"/>, <see cref="MemoryContext.MetadataInjection"/>). The session head is read
    /// without its turns.
    /// </summary>
    Blocks = 2,

    /// <summary>Both halves: what <see cref="Memory.PrepareAsync(IReadOnlyDictionary{string, object?}?, CancellationToken)"/> loads.</summary>
    All = History | Blocks,
}
