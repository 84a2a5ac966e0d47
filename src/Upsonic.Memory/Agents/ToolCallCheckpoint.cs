using System.Text.Json;
using Microsoft.Extensions.AI;
using Upsonic.Storage;

namespace Upsonic;

/// <summary>
/// Translates between what <see cref="FunctionInvokingChatClient"/> speaks while a tool call waits for approval
/// (<see cref="ToolApprovalRequestContent"/> / <see cref="ToolApprovalResponseContent"/>) and what is stored for the run.
/// </summary>
/// <remarks>
/// A paused run is stored as plain messages: the assistant's <see cref="FunctionCallContent"/> with no result yet. Approval
/// requests are transport, not conversation: storing them would put half-finished protocol into every later history, and the
/// storage only ever appends, so they could not be taken out again. On resume the unanswered calls are turned back into
/// approval requests with the person's responses, and the function-invoking client runs the approved ones exactly once.
/// </remarks>
internal static class ToolCallCheckpoint
{
    private const string RequestIdPrefix = "upsonic_";

    /// <summary>Whether a model response stopped to ask for approval.</summary>
    public static bool HasApprovalRequests(IEnumerable<ChatMessage> messages) =>
        messages.SelectMany(m => m.Contents).OfType<ToolApprovalRequestContent>().Any();

    /// <summary>
    /// The messages of a response in their stored form: approval requests become the function calls they wrap, approval
    /// responses are dropped, and calls whose id is in <paramref name="storedCallIds"/> (re-sent by the function-invoking client
    /// when it processes approvals) are dropped because the run already holds them.
    /// </summary>
    public static List<ChatMessage> ToStoredForm(IEnumerable<ChatMessage> messages, ISet<string> storedCallIds)
    {
        var result = new List<ChatMessage>();
        foreach (var message in messages)
        {
            var contents = new List<AIContent>(message.Contents.Count);
            var changed = false;
            foreach (var content in message.Contents)
            {
                var stored = content switch
                {
                    ToolApprovalRequestContent { ToolCall: FunctionCallContent call } => call,
                    ToolApprovalResponseContent => null,
                    _ => content,
                };
                if (stored is null || (stored is FunctionCallContent fc && storedCallIds.Contains(fc.CallId)))
                {
                    changed = true;
                    continue;
                }

                changed |= !ReferenceEquals(stored, content);
                contents.Add(stored);
            }

            if (!changed)
            {
                result.Add(message);
            }
            else if (contents.Count > 0)
            {
                result.Add(HistoryWindow.CopyWith(message, contents));
            }
        }

        return result;
    }

    /// <summary>The ids of every function call in <paramref name="messages"/>.</summary>
    public static HashSet<string> CallIds(IEnumerable<ChatMessage> messages) =>
        messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Select(c => c.CallId).ToHashSet(StringComparer.Ordinal);

    /// <summary>The function calls in <paramref name="messages"/> that have no result yet, in order.</summary>
    public static List<FunctionCallContent> PendingCalls(IEnumerable<ChatMessage> messages)
    {
        var list = messages.ToList();
        var answered = list.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Select(r => r.CallId).ToHashSet(StringComparer.Ordinal);
        return list.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Where(c => !answered.Contains(c.CallId)).ToList();
    }

    /// <summary>
    /// The messages to send to resume a paused run: the stored ones with each pending call turned back into an approval
    /// request, followed by one user message holding the responses.
    /// </summary>
    public static List<ChatMessage> WithApprovals(IReadOnlyList<ChatMessage> stored, IReadOnlyDictionary<string, ToolApproval> decisions)
    {
        var result = new List<ChatMessage>(stored.Count + 1);
        var responses = new List<AIContent>();
        foreach (var message in stored)
        {
            if (!message.Contents.OfType<FunctionCallContent>().Any(c => decisions.ContainsKey(c.CallId)))
            {
                result.Add(message);
                continue;
            }

            var contents = new List<AIContent>(message.Contents.Count);
            foreach (var content in message.Contents)
            {
                if (content is FunctionCallContent call && decisions.TryGetValue(call.CallId, out var decision))
                {
                    var request = new ToolApprovalRequestContent(RequestIdPrefix + call.CallId, call);
                    contents.Add(request);
                    responses.Add(request.CreateResponse(decision.Approved, decision.Reason));
                }
                else
                {
                    contents.Add(content);
                }
            }

            result.Add(HistoryWindow.CopyWith(message, contents));
        }

        result.Add(new ChatMessage(ChatRole.User, responses));
        return result;
    }

    /// <summary>The run metadata of a paused run: <c>pending_tool_calls</c>, the ids of the calls it waits on.</summary>
    public static System.Text.Json.Nodes.JsonObject PendingMetadata(IEnumerable<FunctionCallContent> pending) => new()
    {
        ["pending_tool_calls"] = new System.Text.Json.Nodes.JsonArray([.. pending.Select(c => (System.Text.Json.Nodes.JsonNode?)System.Text.Json.Nodes.JsonValue.Create(c.CallId))]),
    };

    /// <summary>A new message id, so a run's stored messages can be told apart in a later history.</summary>
    public static string NewMessageId() => "upsonic-" + Guid.NewGuid().ToString("N");

    /// <summary>Gives every message without an id one, so <see cref="WithoutRun"/> can find the run's messages after a round trip through storage.</summary>
    public static void EnsureMessageIds(IEnumerable<ChatMessage> messages)
    {
        foreach (var message in messages)
        {
            message.MessageId ??= NewMessageId();
        }
    }

    /// <summary>
    /// <paramref name="history"/> without the messages of the run being continued: those with one of its message ids, or, for
    /// runs stored without ids, its messages when they end the history (compared in stored JSON form).
    /// </summary>
    public static IReadOnlyList<ChatMessage> WithoutRun(IReadOnlyList<ChatMessage> history, IReadOnlyList<ChatMessage> run)
    {
        var ids = run.Select(m => m.MessageId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        if (ids.Count > 0)
        {
            return history.Where(m => m.MessageId is null || !ids.Contains(m.MessageId)).ToList();
        }

        if (run.Count == 0 || history.Count < run.Count)
        {
            return history;
        }

        var offset = history.Count - run.Count;
        for (var i = 0; i < run.Count; i++)
        {
            if (!JsonElement.DeepEquals(StorageJson.SerializeMessageToElement(history[offset + i]), StorageJson.SerializeMessageToElement(run[i])))
            {
                return history;
            }
        }

        return history.Take(offset).ToList();
    }
}
