using System.Text.Json;

namespace Upsonic.Memory.Models.Tests;

/// <summary>Minimal, valid response bodies of each provider's chat protocol.</summary>
public static class ProviderReplies
{
    public static string OpenAiChat(string model, string content) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-test",
        @object = "chat.completion",
        created = 1_700_000_000,
        model,
        choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" } },
        usage = new { prompt_tokens = 11, completion_tokens = 7, total_tokens = 18 },
    });

    public static string AnthropicMessage(string model, string text) => JsonSerializer.Serialize(new
    {
        id = "msg_test",
        type = "message",
        role = "assistant",
        model,
        content = new[] { new { type = "text", text } },
        stop_reason = "end_turn",
        stop_sequence = (string?)null,
        usage = new { input_tokens = 11, output_tokens = 7 },
    });
}
