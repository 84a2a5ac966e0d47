using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Upsonic.Storage;

/// <summary>Renders runs as compact role-labelled text for the summarizer, within a per-message and a total character cap.</summary>
/// <remarks>When the runs do not fit, the oldest are left out first: the most recent turns matter most to a running summary.</remarks>
internal static class TurnTranscript
{
    public static string Render(IReadOnlyList<RunRecord> runs, int maxMessageCharacters, int maxTotalCharacters)
    {
        var rendered = runs.Select(r => RenderRun(r, maxMessageCharacters)).Where(t => t.Length > 0).ToList();
        var kept = new List<string>();
        var total = 0;
        for (var i = rendered.Count - 1; i >= 0; i--)
        {
            var cost = rendered[i].Length + (kept.Count == 0 ? 0 : 2);
            if (total + cost > maxTotalCharacters)
            {
                if (kept.Count == 0)
                {
                    kept.Add(MemoryBlocks.Truncate(rendered[i], maxTotalCharacters));
                }

                break;
            }

            kept.Add(rendered[i]);
            total += cost;
        }

        kept.Reverse();
        return string.Join("\n\n", kept);
    }

    /// <summary>
    /// How many of the oldest <paramref name="runs"/> fit one pass within <paramref name="maxTotalCharacters"/> (at least one, which
    /// <see cref="Render"/> truncates when it alone is too long): the rest go to the next pass, so no run is left out.
    /// </summary>
    public static int FittingCount(IReadOnlyList<RunRecord> runs, int maxMessageCharacters, int maxTotalCharacters)
    {
        var total = 0;
        var count = 0;
        foreach (var run in runs)
        {
            var length = RenderRun(run, maxMessageCharacters).Length;
            var cost = length + (total == 0 || length == 0 ? 0 : 2);
            if (total > 0 && total + cost > maxTotalCharacters)
            {
                break;
            }

            total += cost;
            count++;
        }

        return count;
    }

    /// <summary>The characters <see cref="Render"/> gives for <paramref name="runs"/> when nothing is left out.</summary>
    public static int Length(IReadOnlyList<RunRecord> runs, int maxMessageCharacters)
    {
        var lengths = runs.Select(r => RenderRun(r, maxMessageCharacters).Length).Where(l => l > 0).ToList();
        return lengths.Sum() + 2 * Math.Max(0, lengths.Count - 1);
    }

    private static string RenderRun(RunRecord run, int maxMessageCharacters)
    {
        var builder = new StringBuilder();
        foreach (var message in run.Messages)
        {
            if (message.Role == ChatRole.System)
            {
                continue;
            }

            foreach (var line in Lines(message))
            {
                builder.Append(builder.Length == 0 ? "" : "\n").Append(MemoryBlocks.Truncate(line, maxMessageCharacters));
            }
        }

        if (builder.Length == 0 && !string.IsNullOrWhiteSpace(run.Input))
        {
            builder.Append("User: ").Append(MemoryBlocks.Truncate(run.Input, maxMessageCharacters));
        }

        return builder.ToString();
    }

    private static IEnumerable<string> Lines(ChatMessage message)
    {
        var label = message.Role == ChatRole.User ? "User" : message.Role == ChatRole.Assistant ? "Assistant" : message.Role == ChatRole.Tool ? "Tool" : message.Role.Value;
        var text = message.Text;
        if (!string.IsNullOrWhiteSpace(text))
        {
            yield return label + ": " + text.Trim();
        }

        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case FunctionCallContent call:
                    yield return label + " called tool " + call.Name + "(" + JsonSerializer.Serialize(call.Arguments, StorageJson.Options) + ")";
                    break;
                case FunctionResultContent result:
                    yield return "Tool result: " + (result.Result is string s ? s : JsonSerializer.Serialize(result.Result, StorageJson.Options));
                    break;
            }
        }
    }
}
