namespace Upsonic.Storage;

/// <summary>The model work one completed run asks for: a summary pass and/or a profile analysis of its user prompts.</summary>
/// <param name="Summary">Whether a summary pass is asked for.</param>
/// <param name="ProfilePrompts">The run's user prompts for the profile analysis, or null for none.</param>
/// <param name="AgentId">The run's agent.</param>
/// <param name="Resumed">The run's id and sequence when it was stored before (for example paused) and completed now: it may sit at
/// or below the summary watermark, where the pass must look for it.</param>
internal sealed record MemoryWork(bool Summary, IReadOnlyList<string>? ProfilePrompts, string? AgentId, (string RunId, long Sequence)? Resumed = null);
