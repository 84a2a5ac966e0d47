using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Upsonic.Storage;

namespace Upsonic;

/// <summary>
/// An agent that answers prompts with a model and remembers through a <see cref="Memory"/>: the .NET form of upstream's
/// <c>Agent(model, memory=...)</c> / <c>agent.do(Task(...))</c>.
/// </summary>
/// <remarks>
/// <para>Each run: <see cref="Memory.PrepareAsync(IReadOnlyDictionary{string, object?}?, CancellationToken)"/> loads history and the summary, profile and metadata blocks; the blocks go
/// into <see cref="ChatOptions.Instructions"/> after <see cref="SystemPrompt"/> (never into the user message); the history and
/// the new user message are sent to the model through a <see cref="FunctionInvokingChatClient"/> that runs <see cref="Tools"/>;
/// then <see cref="Memory.SaveRunAsync"/> stores only this run's new messages, the raw input, the output and the usage.</para>
/// <para>Human in the loop: a tool wrapped in <see cref="ApprovalRequiredAIFunction"/> is not invoked; the run pauses with
/// status <see cref="RunStatus.Paused"/> and pause reason <c>"confirmation"</c>, and its checkpoint is stored. Any process with a
/// memory over the same storage and session continues it with <see cref="ContinueRunAsync(string, bool, CancellationToken)"/>.
/// A run that throws is stored as <see cref="RunStatus.Error"/>, a cancelled one as <see cref="RunStatus.Cancelled"/>; the
/// exception is rethrown.</para>
/// <para>Without a memory a run is a plain model call (no history, nothing stored, paused runs cannot be continued).</para>
/// <para><b>Security considerations:</b> prompts, answers and tool results are stored in the memory's storage and the user
/// profile is sent to the model with every run; tools run with the process's rights, so require approval for tools with side effects.</para>
/// </remarks>
public sealed partial class Agent
{
    /// <summary>The pause reason for tool calls that wait for a person's approval (upstream's name).</summary>
    public const string ConfirmationPauseReason = "confirmation";

    private readonly IChatClient _pipeline;
    private readonly ILogger _logger;

    /// <summary>Creates an agent.</summary>
    /// <param name="model">The model. The agent wraps it in its own function-invoking pipeline; the given client is not changed.</param>
    /// <param name="memory">Where the agent remembers; <see langword="null"/> for plain runs.</param>
    /// <param name="name">The agent's name, recorded with its runs.</param>
    /// <param name="systemPrompt">The agent's instructions; memory blocks are added after them.</param>
    /// <param name="tools">Tools the model may call. Wrap a tool in <see cref="ApprovalRequiredAIFunction"/> to require a person's approval.</param>
    /// <param name="metadata">Agent metadata, injected as an <c>&lt;AgentMetadata&gt;</c> block.</param>
    /// <param name="agentId">The agent's id (used to find its runs across sessions); a new GUID string by default.</param>
    /// <param name="loggerFactory">Where logs go; none by default.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    public Agent(IChatClient model, Memory? memory = null, string? name = null, string? systemPrompt = null,
        IEnumerable<AITool>? tools = null, IReadOnlyDictionary<string, object?>? metadata = null, string? agentId = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (agentId is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(agentId);
        }

        Model = model;
        Memory = memory;
        Name = name;
        SystemPrompt = systemPrompt;
        Tools = tools?.ToList() ?? [];
        Metadata = metadata;
        AgentId = agentId ?? Guid.NewGuid().ToString();
        var factory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = factory.CreateLogger("Upsonic.Agent");
        _pipeline = model.AsBuilder().UseFunctionInvocation(factory).Build();
    }

    /// <summary>The model the agent calls.</summary>
    public IChatClient Model { get; }

    /// <summary>The agent's memory, or <see langword="null"/>.</summary>
    public Memory? Memory { get; }

    /// <summary>The agent's name.</summary>
    public string? Name { get; }

    /// <summary>The agent's instructions.</summary>
    public string? SystemPrompt { get; }

    /// <summary>The tools the model may call.</summary>
    public IReadOnlyList<AITool> Tools { get; }

    /// <summary>The agent metadata injected into every run.</summary>
    public IReadOnlyDictionary<string, object?>? Metadata { get; }

    /// <summary>The agent's id.</summary>
    public string AgentId { get; }

    /// <summary>The session the agent's runs are stored in (the memory's), or <see langword="null"/> without memory.</summary>
    public string? SessionId => Memory?.SessionId;

    /// <summary>The user the agent's runs are for (the memory's), or <see langword="null"/> without memory.</summary>
    public string? UserId => Memory?.UserId;

    /// <summary>Runs <paramref name="task"/> and returns the model's final text.</summary>
    /// <param name="task">The task; its <see cref="AgentTask.Response"/>, <see cref="AgentTask.RunId"/> and <see cref="AgentTask.Status"/> are filled.</param>
    /// <param name="ct">Cancels the run; a cancelled run is stored as <see cref="RunStatus.Cancelled"/>.</param>
    /// <returns>The final text, or <see langword="null"/> when the run paused for approval.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="task"/> is null.</exception>
    public Task<string?> DoAsync(AgentTask task, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        return AgentTelemetry.InvokeAsync(this, task, () => DoCoreAsync(task, ct));
    }

    private async Task<string?> DoCoreAsync(AgentTask task, CancellationToken ct)
    {
        task.RunId = Guid.NewGuid().ToString();
        task.Status = RunStatus.Running;
        task.Response = null;
        task.PauseReason = null;
        task.PendingToolCalls = [];

        var context = Memory is null ? MemoryContext.Empty : await Memory.PrepareAsync(Metadata, ct).ConfigureAwait(false);
        var userMessage = new ChatMessage(ChatRole.User, task.Description) { MessageId = ToolCallCheckpoint.NewMessageId() };
        var run = new RunProgress(task.RunId, task.Description, [userMessage], PriorUsage: null, Stored: false);
        return await RunAsync(task, context, context.MessageHistory, run, [userMessage], ct).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="prompt"/> as a new <see cref="AgentTask"/> and returns the model's final text.</summary>
    /// <param name="prompt">The prompt.</param>
    /// <param name="ct">Cancels the run.</param>
    /// <returns>The final text, or <see langword="null"/> when the run paused for approval.</returns>
    /// <exception cref="ArgumentException"><paramref name="prompt"/> is null, empty or whitespace.</exception>
    public Task<string?> DoAsync(string prompt, CancellationToken ct = default) => DoAsync(new AgentTask(prompt), ct);

    /// <summary>Synchronous twin of <see cref="DoAsync(AgentTask, CancellationToken)"/> (upstream's <c>agent.do</c>).</summary>
    /// <param name="task">The task.</param>
    /// <returns>The final text, or <see langword="null"/> when the run paused.</returns>
    public string? Do(AgentTask task) => Task.Run(() => DoAsync(task)).GetAwaiter().GetResult();

    /// <summary>Synchronous twin of <see cref="DoAsync(string, CancellationToken)"/>.</summary>
    /// <param name="prompt">The prompt.</param>
    /// <returns>The final text, or <see langword="null"/> when the run paused.</returns>
    public string? Do(string prompt) => Task.Run(() => DoAsync(prompt)).GetAwaiter().GetResult();

    /// <summary>Calls the model for a run, then stores the run in the state it ended in.</summary>
    private async Task<string?> RunAsync(AgentTask task, MemoryContext context, IReadOnlyList<ChatMessage> history, RunProgress run,
        IReadOnlyList<ChatMessage> toSend, CancellationToken ct)
    {
        var options = new ChatOptions { Instructions = RunInstructions.Compose(SystemPrompt, context) };
        if (Tools.Count > 0)
        {
            options.Tools = [.. Tools];
        }

        ChatResponse response;
        try
        {
            response = await _pipeline.GetResponseAsync([.. history, .. toSend], options, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            task.Status = RunStatus.Cancelled;
            await SaveCheckpointAsync(run, RunStatus.Cancelled, error: null).ConfigureAwait(false);
            throw;
        }
        catch (Exception ex)
        {
            task.Status = RunStatus.Error;
            await SaveCheckpointAsync(run, RunStatus.Error, ex.Message).ConfigureAwait(false);
            throw;
        }

        var paused = ToolCallCheckpoint.HasApprovalRequests(response.Messages);
        run.Messages.AddRange(ToolCallCheckpoint.ToStoredForm(response.Messages, ToolCallCheckpoint.CallIds(run.Messages)));
        ToolCallCheckpoint.EnsureMessageIds(run.Messages);
        var usage = UsageMath.ApplyRunDelta(run.PriorUsage, response.Usage, runBefore: null);
        task.Usage = usage;

        var saved = new AgentRun
        {
            RunId = run.RunId,
            AgentId = AgentId,
            AgentName = Name,
            Input = run.Input,
            Messages = run.Messages,
            Usage = usage,
        };
        if (paused)
        {
            var pending = ToolCallCheckpoint.PendingCalls(run.Messages);
            saved.Status = RunStatus.Paused;
            saved.PauseReason = ConfirmationPauseReason;
            saved.Metadata = new JsonObject { ["pending_tool_calls"] = new JsonArray([.. pending.Select(c => (JsonNode?)JsonValue.Create(c.CallId))]) };
            task.Status = RunStatus.Paused;
            task.PauseReason = ConfirmationPauseReason;
            task.PendingToolCalls = pending;
            LogPaused(_logger, run.RunId, pending.Count);
        }
        else
        {
            saved.Status = RunStatus.Completed;
            saved.Output = response.Text;
            task.Status = RunStatus.Completed;
            task.Response = response.Text;
        }

        if (Memory is not null)
        {
            await Memory.SaveRunCoreAsync(saved, run.Stored, ct).ConfigureAwait(false);
        }

        return task.Response;
    }

    /// <summary>Stores a failed or cancelled run so it can be inspected or resumed; a storage failure here is logged, and the
    /// run's own exception is what the caller sees.</summary>
    private async Task SaveCheckpointAsync(RunProgress run, RunStatus status, string? error)
    {
        if (Memory is null)
        {
            return;
        }

        try
        {
            // The caller's token may already be cancelled: the checkpoint is what lets the run be resumed, so it is saved regardless.
            await Memory.SaveRunCoreAsync(new AgentRun
            {
                RunId = run.RunId,
                AgentId = AgentId,
                AgentName = Name,
                Status = status,
                Input = run.Input,
                Messages = run.Messages,
                Usage = run.PriorUsage,
                Error = error,
            }, run.Stored, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception saveError)
        {
            LogCheckpointFailed(_logger, saveError, run.RunId, status);
        }
    }

    /// <summary>A run's state between the model calls of a pause and its continuation; <paramref name="Stored"/> says whether
    /// it was loaded from storage (a continuation) rather than started now.</summary>
    private sealed record RunProgress(string RunId, string? Input, List<ChatMessage> Messages, UsageDetails? PriorUsage, bool Stored);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} paused: {Count} tool call(s) wait for approval.")]
    private static partial void LogPaused(ILogger logger, string runId, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Run {RunId} could not be stored as {Status}.")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception, string runId, RunStatus status);
}
