using Upsonic.Storage;

namespace Upsonic;

/// <summary>Builds a run's instructions (the system prompt) from the caller's own instructions and what memory injects.</summary>
/// <remarks>
/// Upstream appends the summary and metadata to the user's message, which then gets stored and fed back into later
/// summaries. Here every injection goes into <see cref="Microsoft.Extensions.AI.ChatOptions.Instructions"/>, which is never
/// stored, so the stored user message stays the raw input.
/// </remarks>
internal static class RunInstructions
{
    private const string Separator = "\n\n";

    /// <summary>
    /// Returns <paramref name="instructions"/>, then the <c>&lt;UserProfile&gt;</c> block, then a <c>&lt;Context&gt;</c> block with
    /// the summary and metadata blocks (upstream's context layout), joined by blank lines; <see langword="null"/> when all are empty.
    /// </summary>
    public static string? Compose(string? instructions, MemoryContext context)
    {
        var parts = new List<string>(3);
        if (!string.IsNullOrWhiteSpace(instructions))
        {
            parts.Add(instructions);
        }

        if (!string.IsNullOrEmpty(context.SystemPromptInjection))
        {
            parts.Add(context.SystemPromptInjection);
        }

        var contextParts = new[] { context.ContextInjection, context.MetadataInjection }.Where(p => !string.IsNullOrEmpty(p)).ToList();
        if (contextParts.Count > 0)
        {
            parts.Add("<Context>\n" + string.Join(Separator, contextParts) + "\n</Context>");
        }

        return parts.Count == 0 ? null : string.Join(Separator, parts);
    }
}
