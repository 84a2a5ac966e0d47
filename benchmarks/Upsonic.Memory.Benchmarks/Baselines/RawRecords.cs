using System.Text.Json;
using Microsoft.Extensions.AI;
using Upsonic.Benchmarks.Fixtures;

namespace Upsonic.Benchmarks.Baselines;

/// <summary>What every raw baseline stores: messages as Microsoft.Extensions.AI JSON, a small run record JSON.</summary>
public static class RawRecords
{
    /// <summary>A message as stored (the same JSON contract the library uses).</summary>
    public static string Message(ChatMessage message) => JsonSerializer.Serialize(message, AIJsonUtilities.DefaultOptions);

    /// <summary>A stored message read back.</summary>
    public static ChatMessage Read(string json) => JsonSerializer.Deserialize<ChatMessage>(json, AIJsonUtilities.DefaultOptions)!;

    /// <summary>The run id of <paramref name="turn"/> in <paramref name="sessionId"/>.</summary>
    public static string RunId(string sessionId, long turn) => $"{sessionId}-run-{turn}";

    /// <summary>A run record: id, sequence, status, input, output and usage.</summary>
    public static string Run(string sessionId, long turn) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["run_id"] = RunId(sessionId, turn),
        ["seq"] = turn,
        ["status"] = "completed",
        ["input"] = Conversation.UserText(turn),
        ["output"] = Conversation.AssistantText(turn),
        ["usage"] = new Dictionary<string, long> { ["input_tokens"] = 120, ["output_tokens"] = 90, ["total_tokens"] = 210 },
    });
}
