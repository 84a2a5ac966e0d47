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
