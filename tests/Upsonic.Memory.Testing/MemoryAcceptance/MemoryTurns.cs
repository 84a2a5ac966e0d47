using Microsoft.Extensions.AI;
using Upsonic.Storage;

namespace Upsonic.Storage.Testing;

/// <summary>What one scripted turn did: the context memory prepared, the request the agent model got, and the run that was saved.</summary>
public sealed record TurnResult(MemoryContext Context, ScriptedRequest AgentRequest, AgentRun Run);

/// <summary>
/// Drives a turn the way an agent does: prepare, send history + the new user message with the injections as instructions to a
/// scripted agent model, then save the run with only its own messages and the raw input.
/// </summary>
public static class MemoryTurns
{
    /// <summary>Runs one completed turn.</summary>
    public static async Task<TurnResult> RunAsync(
        Memory memory, ScriptedChatClient agentModel, string userText,
        IReadOnlyDictionary<string, object?>? agentMetadata = null, string? agentId = "agent-1", string? runId = null)
    {
        var context = await memory.PrepareAsync(agentMetadata);
        var user = new ChatMessage(ChatRole.User, userText);
        var options = new ChatOptions { Instructions = Instructions(context) };
        var response = await agentModel.GetResponseAsync([.. context.MessageHistory, user], options);
        var request = agentModel.Requests[^1];
        var run = new AgentRun
        {
            RunId = runId ?? Guid.NewGuid().ToString(),
            AgentId = agentId,
            AgentName = "Scripted Agent",
            Input = userText,
            Messages = [user, .. response.Messages],
            Output = response.Text,
            Usage = response.Usage,
        };
        await memory.SaveRunAsync(run);
        return new TurnResult(context, request, run);
    }

    /// <summary>The run's instructions built from the injections: profile, summary, metadata, each separated by a blank line.</summary>
    public static string? Instructions(MemoryContext context)
    {
        var parts = new[] { context.SystemPromptInjection, context.ContextInjection, context.MetadataInjection }.Where(p => p.Length > 0).ToList();
        return parts.Count == 0 ? null : string.Join("\n\n", parts);
    }

    /// <summary>A user message.</summary>
    public static ChatMessage User(string text) => new(ChatRole.User, text);

    /// <summary>An assistant message.</summary>
    public static ChatMessage Assistant(string text) => new(ChatRole.Assistant, text);

    /// <summary>An assistant message that calls a tool.</summary>
    public static ChatMessage ToolCall(string callId, string name) =>
        new(ChatRole.Assistant, [new FunctionCallContent(callId, name, new Dictionary<string, object?> { ["city"] = "Paris" })]);

    /// <summary>A tool message with a tool result.</summary>
    public static ChatMessage ToolResult(string callId, string result) => new(ChatRole.Tool, [new FunctionResultContent(callId, result)]);
}

/// <summary>Rules that make a <see cref="ScriptedChatClient"/> answer memory's own prompts.</summary>
public static class MemoryScripts
{
    /// <summary>Whether a request is a summary pass.</summary>
    public static bool IsSummary(ScriptedRequest r) => r.Contains("Previous Summary:");

    /// <summary>Whether a request is a static profile analysis with the named schema (default UserTraits).</summary>
    public static bool IsProfile(ScriptedRequest r, string schemaName = "UserTraits") => r.WantsJson && r.SchemaName == schemaName;

    /// <summary>Whether a request is the dynamic field proposal.</summary>
    public static bool IsProposal(ScriptedRequest r) => r.WantsJson && r.SchemaName == "ProfileFieldProposal";

    /// <summary>Whether a request is the dynamic fill step.</summary>
    public static bool IsDynamicFill(ScriptedRequest r) => r.WantsJson && r.SchemaName == "DynamicUserProfile";

    /// <summary>Answers summary passes with <paramref name="reply"/>.</summary>
    public static ScriptedChatClient Summaries(this ScriptedChatClient client, Func<ScriptedRequest, string> reply) => client.When(IsSummary, reply);

    /// <summary>Answers UserTraits analyses with <paramref name="json"/>.</summary>
    public static ScriptedChatClient Traits(this ScriptedChatClient client, string json) => client.When(r => IsProfile(r), json);
}
