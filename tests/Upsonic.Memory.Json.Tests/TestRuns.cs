using Microsoft.Extensions.AI;
using Upsonic.Storage;

namespace Upsonic.Memory.Json.Tests;

/// <summary>Runs shaped like the writer process's: a question and an answer naming the run.</summary>
internal static class TestRuns
{
    public static RunAppend Append(string sessionId, string runId) => new()
    {
        SessionId = sessionId,
        AddToHistory = true,
        Run = new RunRecord
        {
            RunId = runId,
            Status = RunStatus.Completed,
            Messages = [new ChatMessage(ChatRole.User, $"question {runId}"), new ChatMessage(ChatRole.Assistant, $"answer {runId}")],
        },
    };
}
