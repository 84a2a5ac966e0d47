using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Upsonic.Benchmarks.Fixtures;

namespace Upsonic.Benchmarks.ModelInput;

/// <summary>
/// Rebuilds, turn by turn, the summary and profile prompts the Python SDK sends (UPSTREAM.md 2.3, 3, 4.2-4.4), to count their
/// characters. Faithful points: the summary and metadata are appended to the stored user message as a <c>&lt;Context&gt;</c>
/// block; the run's request carries a fresh system prompt with the profile; the summary prompt holds the previous summary, the
/// new turn as indented wire-format JSON (Appendix A) and EVERY stored message (each as compact wire JSON, the rendering UPSTREAM.md 3
/// recommends for a port) in an indented JSON array; the profile prompt holds the current profile as indented JSON, every
/// earlier user prompt of the user (with its context block) and this run's prompt. Structured-output schemas are not counted,
/// on either side.
/// </summary>
public sealed class UpstreamPromptSimulator
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private readonly List<string> _storedMessages = [];
    private readonly List<string> _userPrompts = [];
    private string _summary = "";
    private JsonObject _profile = [];

    /// <summary>Characters of the summary prompt and of the profile prompt for turn <paramref name="turn"/>; then stores the turn.</summary>
    public (int Summary, int Profile) Turn(long turn)
    {
        var context = _summary.Length == 0 ? "" : $"<Context>\n<SessionSummary>\n{_summary}\n</SessionSummary>\n</Context>";
        var input = context.Length == 0 ? Conversation.UserText(turn) : Conversation.UserText(turn) + "\n" + context;
        var systemPrompt = $"Today's date: 2026-11-22\n\n{ProfileBlock()}\n\nYou are a helpful assistant.";
        var newMessages = new[] { Request(input, systemPrompt), Response(Conversation.AssistantText(turn)) };

        // Phase 1 runs the user analysis first, then the summary (UPSTREAM.md 2.6).
        var profilePrompt = ProfilePrompt(input);
        var summaryPrompt = SummaryPrompt(newMessages);

        _userPrompts.Add(input);
        _storedMessages.AddRange(newMessages.Select(m => m.ToJsonString()));
        _summary = ScriptedReplies.Summary;
        _profile = JsonNode.Parse(ScriptedReplies.ProfileJson)!.AsObject();
        return (summaryPrompt.Length, profilePrompt.Length);
    }

    private string SummaryPrompt(JsonObject[] newMessages)
    {
        var history = _storedMessages.Count == 0 ? "None" : JsonSerializer.Serialize(_storedMessages, Indented);
        return "Update the conversation summary based on the new interaction.\n\n" +
            $"Previous Summary: {(_summary.Length == 0 ? "None (first interaction)" : _summary)}\n\n" +
            $"New Conversation Turn:\n{new JsonArray([.. newMessages.Select(m => m.DeepClone())]).ToJsonString(Indented)}\n\n" +
            $"Recent Chat History:\n{history}\n\n" +
            "YOUR TASK: Create a concise summary that captures the key points of the entire conversation, including the new turn. " +
            "Focus on important information, user preferences, and topics discussed.";
    }

    private string ProfilePrompt(string latestInput)
    {
        var conversation = new StringBuilder();
        if (_userPrompts.Count > 0)
        {
            conversation.Append("### Historical User Prompts:\n");
            foreach (var prompt in _userPrompts)
            {
                conversation.Append("- ").Append(prompt).Append('\n');
            }

            conversation.Append('\n');
        }

        conversation.Append("### Latest User Prompts:\n- ").Append(latestInput);
        return "Analyze the user's conversation and extract the user's traits.\n\n" +
            $"Current Profile Data:\n{_profile.ToJsonString(Indented)}\n\n" +
            $"User's Conversation:\n{conversation}\n\n" +
            "Instructions: fill in only what the user explicitly stated or clearly implied; be concrete; update existing traits when " +
            "new information appears; leave fields you cannot infer as null.";
    }

    private string ProfileBlock()
    {
        var lines = _profile.Where(p => p.Value is not null).Select(p => $"- {p.Key}: {p.Value}");
        return _profile.Count == 0 ? "" : "<UserProfile>\n" + string.Join("\n", lines) + "\n</UserProfile>";
    }

    private static JsonObject Request(string input, string systemPrompt)
    {
        var now = "2026-11-22T20:00:00.000000Z";
        return new JsonObject
        {
            ["kind"] = "request",
            ["parts"] = new JsonArray(
                new JsonObject { ["part_kind"] = "system-prompt", ["content"] = systemPrompt, ["timestamp"] = now, ["dynamic_ref"] = null },
                new JsonObject { ["part_kind"] = "user-prompt", ["content"] = input, ["timestamp"] = now }),
            ["timestamp"] = now,
            ["instructions"] = null,
            ["run_id"] = Guid.NewGuid().ToString(),
            ["metadata"] = null,
        };
    }

    private static JsonObject Response(string text) => new()
    {
        ["kind"] = "response",
        ["parts"] = new JsonArray(new JsonObject { ["part_kind"] = "text", ["content"] = text, ["id"] = null, ["provider_name"] = null, ["provider_details"] = null }),
        ["usage"] = new JsonObject
        {
            ["input_tokens"] = 120, ["cache_write_tokens"] = 0, ["cache_read_tokens"] = 0, ["output_tokens"] = 90,
            ["input_audio_tokens"] = 0, ["cache_audio_read_tokens"] = 0, ["output_audio_tokens"] = 0, ["details"] = new JsonObject(),
        },
        ["model_name"] = "gpt-4o-mini",
        ["timestamp"] = "2026-11-22T20:00:01.000000Z",
        ["provider_name"] = "openai",
        ["provider_url"] = null,
        ["provider_details"] = null,
        ["provider_response_id"] = "chatcmpl-" + Guid.NewGuid().ToString("N"),
        ["finish_reason"] = "stop",
        ["run_id"] = null,
        ["metadata"] = null,
    };
}
