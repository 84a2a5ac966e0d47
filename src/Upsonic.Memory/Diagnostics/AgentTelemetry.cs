using System.Diagnostics;

namespace Upsonic.Storage;

/// <summary>The spans around a whole run: <c>invoke_agent {name}</c> for <see cref="Agent"/> (GenAI agent conventions) and
/// <c>memory.turn</c> for a call through the <c>UseMemory</c> middleware. Prepare, the model call and save are their children.</summary>
internal static class AgentTelemetry
{
    /// <summary>Runs one agent invocation (a new run or a continuation) under an <c>invoke_agent</c> span.</summary>
    public static async Task<string?> InvokeAsync(Agent agent, AgentTask task, Func<Task<string?>> run)
    {
        using var scope = StartInvoke(agent);
        try
        {
            var text = await run().ConfigureAwait(false);
            Ended(scope, task);
            return text;
        }
        catch (Exception ex) when (scope.Fail(ex))
        {
            throw;
        }
    }

    /// <summary>Starts the <c>invoke_agent</c> span of one run (the caller disposes it when the run is saved).</summary>
    public static TelemetryScope StartInvoke(Agent agent)
    {
        var scope = TelemetryScope.Start(
            agent.Name is { Length: > 0 } name ? $"{TelemetryNames.InvokeAgent} {name}" : TelemetryNames.InvokeAgent, ActivityKind.Internal, duration: null);
        if (scope.Activity is { } activity)
        {
            activity.SetTag(TelemetryNames.OperationName, TelemetryNames.InvokeAgent);
            activity.SetTag(TelemetryNames.AgentName, agent.Name);
            activity.SetTag(TelemetryNames.AgentId, agent.AgentId);
            MemoryTelemetry.TagConversation(activity, agent.SessionId, agent.UserId);
        }

        return scope;
    }

    /// <summary>Records how the run of <paramref name="task"/> ended on its <c>invoke_agent</c> span.</summary>
    public static void Ended(TelemetryScope scope, AgentTask task) => scope.Activity?.SetTag(TelemetryNames.RunStatus, task.Status.ToString());

    /// <summary>
    /// Makes <paramref name="scope"/>'s span current again inside a streaming method after it has yielded: between yields the
    /// consumer's context is current, and what the stream does next (the save) belongs under the run's span.
    /// </summary>
    public static void Resume(TelemetryScope scope)
    {
        if (scope.Activity is { } activity)
        {
            Activity.Current = activity;
        }
    }

    /// <summary>Starts the <c>memory.turn</c> span of one middleware call (the caller disposes it when the turn is saved).</summary>
    public static TelemetryScope StartTurn(MemoryChatClient client, Memory memory)
    {
        var scope = TelemetryScope.Start(TelemetryNames.Turn, ActivityKind.Internal, duration: null);
        if (scope.Activity is { } activity)
        {
            activity.SetTag(TelemetryNames.AgentName, client.AgentName);
            activity.SetTag(TelemetryNames.AgentId, client.AgentId);
            MemoryTelemetry.TagConversation(activity, memory.SessionId, memory.UserId);
        }

        return scope;
    }
}
