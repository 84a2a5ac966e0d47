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
    private readonly bool? _feedToolCallResults;
    private readonly string? _sessionId;
    private readonly string? _userId;

    /// <summary>Creates an agent.</summary>
    /// <param name="model">The model. The agent wraps it in its own function-invoking pipeline; the given client is not changed.</param>
    /// <param name="memory">Where the agent remembers; <see langword="null"/> for plain runs.</param>
    /// <param name="name">The agent's name, recorded with its runs.</param>
    /// <param name="systemPrompt">The agent's instructions; memory blocks are added after them.</param>
    /// <param name="tools">Tools the model may call. Wrap a tool in <see cref="ApprovalRequiredAIFunction"/> to require a person's approval.</param>
    /// <param name="metadata">Agent metadata, injected as an <c>&lt;AgentMetadata&gt;</c> block.</param>
    /// <param name="agentId">The agent's id (used to find its runs across sessions); a new GUID string by default.</param>
    /// <param name="loggerFactory">Where logs go; none by default.</param>
    /// <param name="feedToolCallResults">Whether tool calls and results stay in the history this agent loads; null (the default)
    /// uses <see cref="Memory.FeedToolCallResults"/>. It applies to this agent's runs only: the memory's own setting is not changed.</param>
    /// <param name="sessionId">The session id this agent reports (<see cref="SessionId"/>); null or empty reports the memory's.
    /// Runs are stored under <see cref="Memory.SessionId"/> whatever this says, as in the Python SDK.</param>
    /// <param name="userId">The user this agent's runs are for: recorded on each run record (and on the session when a run
    /// creates it); null or empty uses <see cref="Memory.UserId"/>. Profiles are still read and written for the memory's user.</param>
    /// <param name="debug">Log each run's start and end at Information level (Debug level otherwise).</param>
    /// <param name="debugLevel">1 to 3 when <paramref name="debug"/> is on (2 and 3 also log the composed instructions, truncated);
    /// ignored (treated as 1) when <paramref name="debug"/> is off.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="agentId"/> is empty or white space.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="debug"/> is on and <paramref name="debugLevel"/> is not 1, 2 or 3.</exception>
    public Agent(IChatClient model, Memory? memory = null, string? name = null, string? systemPrompt = null,
        IEnumerable<AITool>? tools = null, IReadOnlyDictionary<string, object?>? metadata = null, string? agentId = null,
        ILoggerFactory? loggerFactory = null, bool? feedToolCallResults = null, string? sessionId = null, string? userId = null,
        bool debug = false, int debugLevel = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (agentId is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(agentId);
        }

        if (debug && debugLevel is < 1 or > 3)
        {
            throw new ArgumentOutOfRangeException(nameof(debugLevel), debugLevel, "debugLevel must be 1, 2 or 3 when debug is on.");
        }

        Model = model;
        Memory = memory;
        Name = name;
        SystemPrompt = systemPrompt;
        Tools = tools?.ToList() ?? [];
        Metadata = metadata;
        AgentId = agentId ?? Guid.NewGuid().ToString();
        _feedToolCallResults = feedToolCallResults;
        _sessionId = string.IsNullOrEmpty(sessionId) ? null : sessionId;
        _userId = string.IsNullOrEmpty(userId) ? null : userId;
        Debug = debug;
        DebugLevel = debug ? debugLevel : 1;
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

    /// <summary>The session id the agent reports: the <c>sessionId</c> it was created with, else the memory's, else <see langword="null"/>.</summary>
    /// <remarks>Runs are stored under <see cref="Memory.SessionId"/> (upstream's rule: the session key is always the memory's).</remarks>
    public string? SessionId => _sessionId ?? Memory?.SessionId;

    /// <summary>The user the agent's runs are for: the <c>userId</c> it was created with, else the memory's, else <see langword="null"/>.</summary>
    public string? UserId => _userId ?? Memory?.UserId;

    /// <summary>Whether tool calls and results stay in the history this agent loads: the agent's own setting, else the memory's.</summary>
    public bool FeedToolCallResults => _feedToolCallResults ?? Memory?.FeedToolCallResults ?? false;

    /// <summary>Whether run start and end are logged at Information level.</summary>
    public bool Debug { get; }

    /// <summary>The debug level: 1 to 3 with <see cref="Debug"/>, else 1.</summary>
    public int DebugLevel { get; }

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
        var (context, run) = await StartAsync(task, ct).ConfigureAwait(false);
        return await RunAsync(task, context, context.MessageHistory, run, run.Messages.ToList(), ct).ConfigureAwait(false);
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

    /// <summary>Resets <paramref name="task"/> for a new run, loads what memory injects and creates the run with its user message.</summary>
    private async Task<(MemoryContext Context, RunProgress Run)> StartAsync(AgentTask task, CancellationToken ct)
    {
        task.RunId = Guid.NewGuid().ToString();
        ResetOutcome(task);
        var context = await PrepareAsync(ct).ConfigureAwait(false);
        var userMessage = new ChatMessage(ChatRole.User, task.Description) { MessageId = ToolCallCheckpoint.NewMessageId() };
        return (context, new RunProgress(task.RunId, task.Description, [userMessage], PriorUsage: null, Stored: false));
    }

    private Task<MemoryContext> PrepareAsync(CancellationToken ct) =>
        Memory is null ? Task.FromResult(MemoryContext.Empty) : Memory.PrepareCoreAsync(Metadata, _feedToolCallResults, ct);

    private static void ResetOutcome(AgentTask task)
    {
        task.Status = RunStatus.Running;
        task.Response = null;
        task.PauseReason = null;
        task.PendingToolCalls = [];
    }

    /// <summary>The model call's options: the composed instructions and the agent's tools.</summary>
    private ChatOptions OptionsFor(RunProgress run, MemoryContext context, int messageCount)
    {
        var options = new ChatOptions { Instructions = RunInstructions.Compose(SystemPrompt, context) };
        if (Tools.Count > 0)
        {
            options.Tools = [.. Tools];
        }

        LogRunStarting(_logger, Debug ? LogLevel.Information : LogLevel.Debug, run.RunId, Memory?.SessionId, messageCount);
        if (Debug && DebugLevel >= 2)
        {
            LogInstructions(_logger, run.RunId, MemoryBlocks.Truncate(options.Instructions ?? "", 500));
        }

        return options;
    }

    /// <summary>Calls the model for a run, then stores the run in the state it ended in.</summary>
    private async Task<string?> RunAsync(AgentTask task, MemoryContext context, IReadOnlyList<ChatMessage> history, RunProgress run,
        IReadOnlyList<ChatMessage> toSend, CancellationToken ct)
    {
        var options = OptionsFor(run, context, history.Count + toSend.Count);
        ChatResponse response;
        try
        {
            response = await _pipeline.GetResponseAsync([.. history, .. toSend], options, ct).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await FailAsync(task, run, ex, ct).ConfigureAwait(false);
            throw;
        }

        return await FinishAsync(task, run, response, ct).ConfigureAwait(false);
    }

    /// <summary>Stores a run whose model call threw: <see cref="RunStatus.Cancelled"/> when <paramref name="ct"/> asked for it,
    /// else <see cref="RunStatus.Error"/> with the message. The caller rethrows.</summary>
    private Task FailAsync(AgentTask task, RunProgress run, Exception exception, CancellationToken ct)
    {
        var cancelled = exception is OperationCanceledException && ct.IsCancellationRequested;
        task.Status = cancelled ? RunStatus.Cancelled : RunStatus.Error;
        return SaveCheckpointAsync(run, task.Status, cancelled ? null : exception.Message);
    }

    /// <summary>Stores a run whose model call returned: paused when the response asks for tool approval, else completed.</summary>
    private async Task<string?> FinishAsync(AgentTask task, RunProgress run, ChatResponse response, CancellationToken ct)
    {
        var paused = ToolCallCheckpoint.HasApprovalRequests(response.Messages);
        run.Messages.AddRange(ToolCallCheckpoint.ToStoredForm(response.Messages, ToolCallCheckpoint.CallIds(run.Messages)));
        ToolCallCheckpoint.EnsureMessageIds(run.Messages);
        var usage = UsageMath.ApplyRunDelta(run.PriorUsage, response.Usage, runBefore: null);
        task.Usage = usage;

        var saved = NewAgentRun(run);
        saved.Usage = usage;
        if (paused)
        {
            var pending = ToolCallCheckpoint.PendingCalls(run.Messages);
            saved.Status = RunStatus.Paused;
            saved.PauseReason = ConfirmationPauseReason;
            saved.Metadata = ToolCallCheckpoint.PendingMetadata(pending);
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

        LogRunEnded(_logger, Debug ? LogLevel.Information : LogLevel.Debug, run.RunId, task.Status);
        return task.Response;
    }

    private AgentRun NewAgentRun(RunProgress run) => new()
    {
        RunId = run.RunId,
        AgentId = AgentId,
        AgentName = Name,
        UserId = _userId,
        Input = run.Input,
        Messages = run.Messages,
        Usage = run.PriorUsage,
    };

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
            var saved = NewAgentRun(run);
            saved.Status = status;
            saved.Error = error;
            await Memory.SaveRunCoreAsync(saved, run.Stored, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception saveError)
        {
            LogCheckpointFailed(_logger, saveError, run.RunId, status);
        }
    }

    /// <summary>A run's state between the model calls of a pause and its continuation; <paramref name="Stored"/> says whether
    /// it was loaded from storage (a continuation) rather than started now.</summary>
    private sealed record RunProgress(string RunId, string? Input, List<ChatMessage> Messages, UsageDetails? PriorUsage, bool Stored);

    [LoggerMessage(Message = "Run {RunId} starting in session {SessionId} with {MessageCount} message(s).")]
    private static partial void LogRunStarting(ILogger logger, LogLevel level, string runId, string? sessionId, int messageCount);

    [LoggerMessage(Message = "Run {RunId} ended as {Status}.")]
    private static partial void LogRunEnded(ILogger logger, LogLevel level, string runId, RunStatus status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} instructions: {Instructions}")]
    private static partial void LogInstructions(ILogger logger, string runId, string instructions);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} paused: {Count} tool call(s) wait for approval.")]
    private static partial void LogPaused(ILogger logger, string runId, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Run {RunId} could not be stored as {Status}.")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception, string runId, RunStatus status);
}
