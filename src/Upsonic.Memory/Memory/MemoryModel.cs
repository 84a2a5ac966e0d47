using System.Diagnostics;
using Microsoft.Extensions.AI;

namespace Upsonic.Storage;

/// <summary>Calls <see cref="Memory.Model"/> for summary and profile work and counts what each call costs.</summary>
internal sealed class MemoryModel(IChatClient client)
{
    private long _calls;
    private long _inputCharacters;

    /// <summary>Model calls made so far by this memory.</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Characters sent (instructions + prompt) so far by this memory.</summary>
    public long InputCharacters => Interlocked.Read(ref _inputCharacters);

    /// <summary>Sends one prompt and returns the reply text (trimmed). Failures are counted and rethrown.</summary>
    public async Task<string> AskAsync(string step, string instructions, string prompt, ChatResponseFormat? format, CancellationToken ct)
    {
        var characters = instructions.Length + prompt.Length;
        Interlocked.Increment(ref _calls);
        Interlocked.Add(ref _inputCharacters, characters);
        var tag = MemoryTelemetry.Step(step);
        MemoryTelemetry.ModelCalls.Add(1, tag);
        MemoryTelemetry.ModelInputCharacters.Add(characters, tag);
        Activity.Current?.SetTag(TelemetryNames.ModelInputCharacters, characters);
        var options = new ChatOptions { Instructions = instructions, ResponseFormat = format ?? ChatResponseFormat.Text };
        try
        {
            var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, prompt)], options, ct).ConfigureAwait(false);
            if (response.Usage?.InputTokenCount is { } tokens)
            {
                MemoryTelemetry.ModelInputTokens.Add(tokens, tag);
            }

            return response.Text.Trim();
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            MemoryTelemetry.ModelFailures.Add(1, tag);
            throw;
        }
    }

    /// <summary>Counts a reply that came back but could not be used.</summary>
    public static void CountUnusable(string step) => MemoryTelemetry.ModelFailures.Add(1, MemoryTelemetry.Step(step));
}
