using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Upsonic.Storage;
using AgentSession = Microsoft.Agents.AI.AgentSession;

namespace Upsonic.AgentFramework;

/// <summary>
/// Turns the end of an agent invocation into one <see cref="AgentRun"/> and saves it with one <see cref="Memory.SaveRunAsync"/>:
/// the caller's own request messages and the response, never history or messages that context providers injected.
/// </summary>
internal static partial class AgentRunRecorder
{
    /// <summary>Saves the run; for a failed invocation the save problem is logged, so the caller sees the invocation's own exception.</summary>
    /// <param name="memory">The memory of the run's scope.</param>
    /// <param name="agent">The agent that ran.</param>
    /// <param name="requestMessages">Every message the agent sent (history, injected and the caller's).</param>
    /// <param name="responseMessages">The response messages (tool calls and results included); null when the invocation failed.</param>
    /// <param name="failure">The invocation's exception, or null.</param>
    /// <param name="logger">Where a failed save of a failed invocation is reported.</param>
    /// <param name="ct">The invocation's token: cancels a completed run's save, and tells a cancelled run from a failed one.</param>
    public static async ValueTask SaveAsync(Memory memory, AIAgent agent, IEnumerable<ChatMessage> requestMessages,
        IEnumerable<ChatMessage>? responseMessages, Exception? failure, ILogger logger, CancellationToken ct)
    {
        var input = requestMessages.Where(IsCallerMessage).ToList();
        var response = responseMessages?.ToList() ?? [];
        var status = failure is null ? RunStatus.Completed
            : failure is OperationCanceledException && ct.IsCancellationRequested ? RunStatus.Cancelled
            : RunStatus.Error;
        var run = new AgentRun
        {
            AgentId = agent.Id,
            AgentName = agent.Name,
            Status = status,
            Input = string.Join("\n", input.Where(m => m.Role == ChatRole.User).Select(m => m.Text).Where(t => t.Length > 0)),
            Messages = [.. input, .. response],
            Output = status == RunStatus.Completed ? new ChatResponse(response).Text : null,
            Error = status == RunStatus.Error ? failure!.Message : null,
        };

        if (failure is null)
        {
            await memory.SaveRunAsync(run, ct).ConfigureAwait(false);
            return;
        }

        try
        {
            // The invocation's token may be cancelled already; the record of what happened is saved regardless.
            await memory.SaveRunAsync(run, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception saveError)
        {
            LogSaveFailed(logger, saveError, status, memory.SessionId);
        }
    }

    /// <summary>
    /// A message the caller sent for this run: not history a provider loaded, not a message a context provider added, and not a
    /// system message (instructions repeated on every run would pile up in the history).
    /// </summary>
    private static bool IsCallerMessage(ChatMessage message) =>
        message.GetAgentRequestMessageSourceType() == AgentRequestMessageSourceType.External && message.Role != ChatRole.System;

    [LoggerMessage(Level = LogLevel.Error, Message = "A {Status} agent run of memory session {SessionId} could not be stored.")]
    private static partial void LogSaveFailed(ILogger logger, Exception exception, RunStatus status, string sessionId);
}
