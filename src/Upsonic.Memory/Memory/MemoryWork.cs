namespace Upsonic.Storage;

/// <summary>The model work one completed run asks for: a summary pass and/or a profile analysis of its user prompts.</summary>
internal sealed record MemoryWork(bool Summary, IReadOnlyList<string>? ProfilePrompts, string? AgentId);
