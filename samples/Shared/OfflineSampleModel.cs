using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace Upsonic.Samples;

/// <summary>
/// OFFLINE SAMPLE MODEL: a deterministic <see cref="IChatClient"/> that lets the samples run without an API key. It is not a
/// language model: it finds the facts the user stated (name, expertise) in what it is sent (instructions, history and the new
/// message) and answers from them, writes summaries and profile JSON when asked, and calls the first tool it is offered.
/// </summary>
/// <remarks>Because it only knows what it is sent, its answers show exactly what memory gave it.</remarks>
public sealed partial class OfflineSampleModel : IChatClient
{
    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var list = messages.ToList();
        var response = new ChatResponse(Answer(list, options))
        {
            ModelId = "offline-sample",
            FinishReason = ChatFinishReason.Stop,
        };
        var input = (options?.Instructions?.Length ?? 0) + list.Sum(m => m.Text.Length);
        response.Usage = new UsageDetails { InputTokenCount = input / 4 + 1, OutputTokenCount = response.Text.Length / 4 + 1 };
        response.Usage.TotalTokenCount = response.Usage.InputTokenCount + response.Usage.OutputTokenCount;
        return Task.FromResult(response);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            if (update.Contents.Count == 1 && update.Contents[0] is TextContent text)
            {
                // Word by word, as a streaming model would.
                foreach (var word in Regex.Split(text.Text, @"(?<= )"))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    yield return new ChatResponseUpdate(ChatRole.Assistant, word) { ModelId = response.ModelId, MessageId = update.MessageId };
                }
            }
            else
            {
                yield return update;
            }
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("offline-sample", null, "offline-sample")
        : serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private static ChatMessage Answer(List<ChatMessage> messages, ChatOptions? options)
    {
        var everything = (options?.Instructions ?? "") + "\n" + string.Join("\n", messages.Select(m => m.Text));
        var facts = UserFacts.Find(everything);

        if (options?.ResponseFormat is ChatResponseFormatJson { Schema: { } schema })
        {
            // Like a model told to fill "only what the user explicitly stated": facts from the user's new text, when the prompt marks it.
            return new ChatMessage(ChatRole.Assistant, StructuredReply(schema, StatedFacts(everything) ?? facts));
        }

        if (options?.Instructions?.Contains("summary", StringComparison.OrdinalIgnoreCase) == true && messages.Count == 1
            && messages[0].Text.Contains("summary", StringComparison.OrdinalIgnoreCase))
        {
            return new ChatMessage(ChatRole.Assistant, facts.Describe("The user"));
        }

        var lastUser = messages.FindLastIndex(m => m.Role == ChatRole.User);
        var results = messages.Skip(lastUser + 1).SelectMany(m => m.Contents).OfType<FunctionResultContent>().ToList();
        if (results.Count > 0)
        {
            return new ChatMessage(ChatRole.Assistant, "Done. The tool said: " + string.Join("; ", results.Select(r => r.Result?.ToString())));
        }

        var question = lastUser >= 0 ? messages[lastUser].Text : "";
        if (options?.Tools?.OfType<AIFunctionDeclaration>().FirstOrDefault() is { } tool && lastUser >= 0 && messages[lastUser].Contents.OfType<TextContent>().Any())
        {
            return new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call_" + Math.Abs(question.GetHashCode(StringComparison.Ordinal)), tool.Name, ToolArguments(tool, question))]);
        }

        if (question.Contains('?'))
        {
            var aboutUser = AboutUser().IsMatch(question);
            return new ChatMessage(ChatRole.Assistant, facts.IsEmpty
                ? "I don't know anything about you yet. Tell me your name and what you do."
                : aboutUser ? AnswerAbout(facts)
                : "I am the offline sample model and can only answer from memory. " + AnswerAbout(facts));
        }

        var said = UserFacts.Find(question);
        return new ChatMessage(ChatRole.Assistant, said.IsEmpty ? "Noted." : $"Nice to meet you{(said.Name is null ? "" : ", " + said.Name)}! I will remember that.");
    }

    /// <summary>The facts in the user's conversation section of a profile prompt, or null when the prompt has no such section.</summary>
    private static UserFacts? StatedFacts(string prompt)
    {
        foreach (var marker in (string[])["User's Conversation:", "=== USER CONVERSATION ==="])
        {
            var start = prompt.IndexOf(marker, StringComparison.Ordinal);
            if (start >= 0)
            {
                var section = prompt[(start + marker.Length)..];
                var end = section.IndexOf("\n\n", StringComparison.Ordinal);
                return UserFacts.Find(end < 0 ? section : section[..end]);
            }
        }

        return null;
    }

    private static string AnswerAbout(UserFacts facts)
    {
        var parts = new List<string>();
        if (facts.Name is not null)
        {
            parts.Add($"your name is {facts.Name}");
        }

        if (facts.Expertise is not null)
        {
            parts.Add($"you are a {facts.Expertise}");
        }

        return "From what I remember, " + string.Join(" and ", parts) + ".";
    }

    private static Dictionary<string, object?> ToolArguments(AIFunctionDeclaration tool, string request)
    {
        var arguments = new Dictionary<string, object?>();
        if (tool.JsonSchema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            var token = FileLike().Match(request);
            foreach (var property in properties.EnumerateObject())
            {
                arguments[property.Name] = token.Success ? token.Value : request;
            }
        }

        return arguments;
    }

    /// <summary>Fills a JSON schema's properties from the facts: name-like fields get the name, skill-like ones the expertise.</summary>
    private static string StructuredReply(JsonElement schema, UserFacts facts)
    {
        var result = new JsonObject();
        if (!schema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            return "{}";
        }

        foreach (var property in properties.EnumerateObject())
        {
            var key = property.Name.ToLowerInvariant();
            var type = property.Value.TryGetProperty("type", out var t) ? t.ToString() : "";
            if (key == "fields" && type.Contains("array", StringComparison.Ordinal))
            {
                // The dynamic-profile step that asks which fields to record.
                result[property.Name] = new JsonArray(
                    new JsonObject { ["name"] = "name", ["description"] = "The user's name." },
                    new JsonObject { ["name"] = "expertise", ["description"] = "What the user works as or is skilled in." });
                continue;
            }

            string? value = key.Contains("name", StringComparison.Ordinal) ? facts.Name
                : key.Contains("expertise", StringComparison.Ordinal) || key.Contains("role", StringComparison.Ordinal) || key.Contains("occupation", StringComparison.Ordinal)
                    || key.Contains("profession", StringComparison.Ordinal) ? facts.Expertise
                : key.Contains("language", StringComparison.Ordinal) || key.Contains("skill", StringComparison.Ordinal) || key.Contains("interest", StringComparison.Ordinal) ? facts.Language
                : null;
            result[property.Name] = value is null ? null
                : type.Contains("array", StringComparison.Ordinal) ? new JsonArray(JsonValue.Create(value))
                : type.Contains("string", StringComparison.Ordinal) || type.Length == 0 ? JsonValue.Create(value)
                : null;
        }

        return result.ToJsonString();
    }

    [GeneratedRegex(@"\b(name|who am i|about me|expertise|what do i)\b", RegexOptions.IgnoreCase)]
    private static partial Regex AboutUser();

    [GeneratedRegex(@"[\w./-]+\.\w+")]
    private static partial Regex FileLike();
}
