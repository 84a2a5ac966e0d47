using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Upsonic.Storage;

namespace Upsonic;

/// <summary>
/// A chat client middleware that gives any <see cref="IChatClient"/> pipeline persistent memory: each call is one run whose
/// history and memory blocks come from a <see cref="Storage.Memory"/>, and whose new turn is saved to it.
/// </summary>
/// <remarks>
/// <para>It serves one memory (one session), or, built from a <see cref="MemoryFactory"/>, every session of a shared pipeline:
/// each call then names its session in <see cref="ChatOptions.AdditionalProperties"/>[<see cref="SessionIdKey"/>] (else
/// <see cref="ChatOptions.ConversationId"/>) and its user in [<see cref="UserIdKey"/>], or a scope function given to
/// <c>UseMemory(factory, scope)</c> decides. A call without a session fails with <see cref="InvalidOperationException"/>; it is
/// never given a shared or random session. The keys, and the conversation id when it is the session, are removed from the options
/// sent to the inner client.</para>
/// <para>The caller sends only the new turn. The middleware loads the session (<see cref="Storage.Memory.PrepareAsync(IReadOnlyDictionary{string, object?}?, CancellationToken)"/>),
/// sends the history before the new messages, merges the profile, summary and metadata blocks into a clone of
/// <see cref="ChatOptions.Instructions"/> (the caller's options are not changed), calls the inner client and saves the turn
/// once: after the response, or for a streaming call when the stream ends. A stream the consumer stops reading (or cancels) is
/// saved as <see cref="RunStatus.Cancelled"/> with what was received; an inner failure is saved as <see cref="RunStatus.Error"/>
/// and rethrown.</para>
/// <para>The stored user message is the caller's raw input. System messages in the new turn are sent (first) but not stored,
/// so instructions repeated on every call do not pile up in the history.</para>
/// <para>Tool approval: a response that carries <see cref="ToolApprovalRequestContent"/> is returned as is and saved as a
/// <see cref="RunStatus.Paused"/> run (its id in <see cref="ChatResponse.AdditionalProperties"/>[<see cref="RunIdKey"/>]), as
/// <see cref="Agent"/> checkpoints. A later call, in any process over the same storage and session, whose new turn carries the
/// <see cref="ToolApprovalResponseContent"/>s continues that run under the same id.</para>
/// <para>Place it outside <see cref="FunctionInvokingChatClient"/> (<c>.UseMemory(memory).UseFunctionInvocation()</c>) so the
/// saved turn holds the tool calls and results too.</para>
/// <para><b>Security considerations:</b> everything the user and the model say is stored in the memory's storage, and the
/// user profile is sent to the inner client with every call. In a shared pipeline the session and user ids decide whose memory a
/// call reads: set them from the authenticated identity on the server, never from a value the client sends unchecked.</para>
/// </remarks>
public sealed partial class MemoryChatClient : DelegatingChatClient
{
    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key that names the session of a call to a shared pipeline.</summary>
    public const string SessionIdKey = "upsonic.session_id";

    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key that names the user of a call to a shared pipeline.</summary>
    public const string UserIdKey = "upsonic.user_id";

    /// <summary>
    /// The key of the run id: set in <see cref="ChatResponse.AdditionalProperties"/> of a response that paused for tool approval,
    /// and optionally given in <see cref="ChatOptions.AdditionalProperties"/> of the call that answers it (without it the paused run
    /// is found by its pending call ids among the session's recent runs).
    /// </summary>
    public const string RunIdKey = "upsonic.run_id";

    private readonly ILogger _logger;
    private readonly Func<IEnumerable<ChatMessage>, ChatOptions?, MemoryScope>? _scope;

    /// <summary>Creates the middleware over one memory (one session).</summary>
    /// <param name="innerClient">The client to call.</param>
    /// <param name="memory">The memory that supplies history and stores turns.</param>
    /// <param name="loggerFactory">Where logs go; none by default.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> or <paramref name="memory"/> is null.</exception>
    public MemoryChatClient(IChatClient innerClient, Memory memory, ILoggerFactory? loggerFactory = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(memory);
        Memory = memory;
        _logger = CreateLogger(loggerFactory);
    }

    /// <summary>Creates the middleware for every session of a shared pipeline.</summary>
    /// <param name="innerClient">The client to call.</param>
    /// <param name="factory">Gives the memory of each call's session.</param>
    /// <param name="scope">Decides the session and user of a call; null reads <see cref="SessionIdKey"/> (else
    /// <see cref="ChatOptions.ConversationId"/>) and <see cref="UserIdKey"/>.</param>
    /// <param name="loggerFactory">Where logs go; none by default.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> or <paramref name="factory"/> is null.</exception>
    public MemoryChatClient(IChatClient innerClient, MemoryFactory factory,
        Func<IEnumerable<ChatMessage>, ChatOptions?, MemoryScope>? scope = null, ILoggerFactory? loggerFactory = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Factory = factory;
        _scope = scope;
        _logger = CreateLogger(loggerFactory);
    }

    /// <summary>The one memory the middleware reads and writes, or null when it serves the sessions of <see cref="Factory"/>.</summary>
    public Memory? Memory { get; }

    /// <summary>The factory that gives each call's memory, or null when the middleware serves one <see cref="Memory"/>.</summary>
    public MemoryFactory? Factory { get; }

    /// <summary>The agent id recorded with each run; <see langword="null"/> by default.</summary>
    public string? AgentId { get; set; }

    /// <summary>The agent name recorded with each run; <see langword="null"/> by default.</summary>
    public string? AgentName { get; set; }

    /// <summary>Agent metadata injected as an <c>&lt;AgentMetadata&gt;</c> block; <see langword="null"/> by default.</summary>
    public IReadOnlyDictionary<string, object?>? Metadata { get; set; }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var turn = BeginTurn(messages, options);
        using var span = AgentTelemetry.StartTurn(this, turn.Memory);
        MemoryContext context;
        try
        {
            context = await turn.Memory.PrepareAsync(Metadata, cancellationToken).ConfigureAwait(false);
            await turn.ResumeAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (span.Fail(ex))
        {
            throw;
        }

        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(turn.ToSend(context), turn.Inward(options, context), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
        {
            span.Fail(ex);
            await SaveIncompleteAsync(turn, [], RunStatus.Cancelled, null).ConfigureAwait(false);
            throw;
        }
        catch (Exception ex)
        {
            span.Fail(ex);
            await SaveIncompleteAsync(turn, [], RunStatus.Error, ex.Message).ConfigureAwait(false);
            throw;
        }

        var run = turn.ToRun(this, response, status: null, error: null);
        try
        {
            await turn.Memory.SaveRunCoreAsync(run, storedBefore: turn.Resumed, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (span.Fail(ex))
        {
            throw;
        }

        if (run.Status == RunStatus.Paused)
        {
            (response.AdditionalProperties ??= [])[RunIdKey] = run.RunId;
        }

        return response;
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var turn = BeginTurn(messages, options);
        using var span = AgentTelemetry.StartTurn(this, turn.Memory);
        MemoryContext context;
        try
        {
            context = await turn.Memory.PrepareAsync(Metadata, cancellationToken).ConfigureAwait(false);
            await turn.ResumeAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (span.Fail(ex))
        {
            throw;
        }

        var received = new List<ChatResponseUpdate>();
        // Until the stream is read to its end the turn counts as cancelled: that is what a consumer that stops reading did.
        var status = RunStatus.Cancelled;
        string? error = null;
        var updates = base.GetStreamingResponseAsync(turn.ToSend(context), turn.Inward(options, context), cancellationToken)
            .GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                try
                {
                    if (!await updates.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception ex)
                {
                    status = RunStatus.Error;
                    error = ex.Message;
                    span.Fail(ex);
                    throw;
                }

                received.Add(updates.Current);
                yield return updates.Current;
            }

            status = RunStatus.Completed;
        }
        finally
        {
            await updates.DisposeAsync().ConfigureAwait(false);
            AgentTelemetry.Resume(span);
            if (status == RunStatus.Completed)
            {
                try
                {
                    await turn.Memory.SaveRunCoreAsync(turn.ToRun(this, received.ToChatResponse(), status: null, error: null), storedBefore: turn.Resumed, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (span.Fail(ex))
                {
                    throw;
                }
            }
            else
            {
                await SaveIncompleteAsync(turn, received, status, error).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The memory of this call (the one memory, or the factory's memory of the call's scope) and its new turn.</summary>
    private MemoryTurn BeginTurn(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var list = messages.ToList();
        if (Memory is not null)
        {
            return new MemoryTurn(Memory, null, list);
        }

        var scope = _scope is null ? MemoryCallScope.Default(options) : MemoryCallScope.Checked(_scope(list, options));
        return new MemoryTurn(Factory!.ForSession(scope), scope, list);
    }

    private static ILogger CreateLogger(ILoggerFactory? loggerFactory) =>
        (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Upsonic.MemoryChatClient");

    /// <summary>Saves a failed, cancelled or abandoned turn; a storage failure is logged so the caller sees the run's own outcome.</summary>
    private async Task SaveIncompleteAsync(MemoryTurn turn, List<ChatResponseUpdate> received, RunStatus status, string? error)
    {
        try
        {
            // The caller's token may be cancelled already; the record of what happened is saved regardless.
            await turn.Memory.SaveRunAsync(turn.ToRun(this, received.ToChatResponse(), status, error), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception saveError)
        {
            LogSaveFailed(_logger, saveError, status);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A {Status} turn could not be stored.")]
    private static partial void LogSaveFailed(ILogger logger, Exception exception, RunStatus status);

    /// <summary>The caller's new turn: its memory, what is sent and what is stored of it.</summary>
    /// <param name="memory">The memory of the turn's session.</param>
    /// <param name="scope">The scope the call named in a shared pipeline (its keys are not sent inward), or null.</param>
    /// <param name="messages">The caller's new messages.</param>
    private sealed class MemoryTurn(Memory memory, MemoryScope? scope, List<ChatMessage> messages)
    {
        /// <summary>How many of the session's most recent runs are searched for the paused run a call answers.</summary>
        private const int RecentRuns = 20;

        private string _runId = Guid.NewGuid().ToString();
        private RunRecord? _resumed;
        private Dictionary<string, ToolApproval> _decisions = [];

        public Memory Memory => memory;

        /// <summary>Whether this call continues a paused run (it answers the run's approval requests).</summary>
        public bool Resumed => _resumed is not null;

        /// <summary>
        /// When the new turn carries <see cref="ToolApprovalResponseContent"/>s, loads the paused run they answer (named by
        /// <see cref="RunIdKey"/>, else the most recent of the session's last runs that waits on those calls) so the call continues it.
        /// </summary>
        /// <exception cref="InvalidOperationException">No paused run waits on the answered calls, or a pending call has no answer.</exception>
        public async Task ResumeAsync(ChatOptions? options, CancellationToken ct)
        {
            var answers = messages.SelectMany(m => m.Contents).OfType<ToolApprovalResponseContent>()
                .Where(a => a.ToolCall is FunctionCallContent).ToList();
            if (answers.Count == 0)
            {
                return;
            }

            var decisions = new Dictionary<string, ToolApproval>(StringComparer.Ordinal);
            foreach (var answer in answers)
            {
                var callId = ((FunctionCallContent)answer.ToolCall).CallId;
                decisions[callId] = new ToolApproval(callId, answer.Approved, answer.Reason);
            }

            var named = options?.AdditionalProperties?.TryGetValue(RunIdKey, out var value) == true ? value as string : null;
            var record = named is not null
                ? await memory.LoadResumableRunAsync(named, null, ct).ConfigureAwait(false)
                : (await memory.Storage.GetRunsAfterAsync(memory.SessionId, 0, RecentRuns, ct).ConfigureAwait(false))
                    .LastOrDefault(r => r.Status == RunStatus.Paused && decisions.Keys.All(ToolCallCheckpoint.CallIds(r.Messages).Contains));
            if (record is null)
            {
                throw new InvalidOperationException(
                    $"No paused run of session '{memory.SessionId}' waits on tool call(s) {string.Join(", ", decisions.Keys.Select(k => $"'{k}'"))}: answer the approval requests of a response this pipeline paused, or name its run with ChatOptions.AdditionalProperties[\"{RunIdKey}\"].");
            }

            var pending = ToolCallCheckpoint.PendingCalls(record.Messages);
            var missing = pending.Where(c => !decisions.ContainsKey(c.CallId)).Select(c => $"'{c.CallId}' ({c.Name})").ToList();
            if (missing.Count > 0)
            {
                throw new InvalidOperationException($"Run '{record.RunId}' also waits on tool call(s) {string.Join(", ", missing)}: send a ToolApprovalResponseContent for each.");
            }

            _runId = record.RunId;
            _resumed = record;
            _decisions = pending.ToDictionary(c => c.CallId, c => decisions[c.CallId], StringComparer.Ordinal);
        }

        /// <summary>A clone of the caller's options with the memory blocks in the instructions and what the middleware consumed removed.</summary>
        public ChatOptions Inward(ChatOptions? options, MemoryContext context)
        {
            var inward = options?.Clone() ?? new ChatOptions();
            inward.Instructions = RunInstructions.Compose(options?.Instructions, context);
            if (scope is { } consumed)
            {
                MemoryCallScope.RemoveConsumed(inward, consumed);
            }

            if (inward.AdditionalProperties is { } properties && properties.Remove(RunIdKey) && properties.Count == 0)
            {
                inward.AdditionalProperties = null;
            }

            return inward;
        }

        /// <summary>The caller's system messages first, then the history, then the rest of the new turn; when continuing a paused
        /// run, its stored messages with the approval requests and the caller's answers instead of the new turn.</summary>
        public List<ChatMessage> ToSend(MemoryContext context) => _resumed is { } run
            ?
            [
                .. messages.Where(m => m.Role == ChatRole.System),
                .. ToolCallCheckpoint.WithoutRun(context.MessageHistory, run.Messages),
                .. ToolCallCheckpoint.WithApprovals(run.Messages, _decisions),
            ]
            :
            [
                .. messages.Where(m => m.Role == ChatRole.System),
                .. context.MessageHistory,
                .. messages.Where(m => m.Role != ChatRole.System),
            ];

        /// <summary>The run to save. Without an explicit <paramref name="status"/>, a response that asks for tool approval pauses the
        /// run (a checkpoint another process can continue) and any other completes it. Approval protocol is never stored.</summary>
        public AgentRun ToRun(MemoryChatClient owner, ChatResponse response, RunStatus? status, string? error)
        {
            List<ChatMessage> before = _resumed is { } run ? [.. run.Messages] : [.. messages.Where(m => m.Role != ChatRole.System)];
            var paused = status is null && ToolCallCheckpoint.HasApprovalRequests(response.Messages);
            var saved = new AgentRun
            {
                RunId = _runId,
                AgentId = owner.AgentId,
                AgentName = owner.AgentName,
                Status = status ?? (paused ? RunStatus.Paused : RunStatus.Completed),
                Input = _resumed?.Input ?? string.Join("\n", messages.Where(m => m.Role == ChatRole.User).Select(m => m.Text).Where(t => t.Length > 0)),
                Messages = [.. before, .. ToolCallCheckpoint.ToStoredForm(response.Messages, ToolCallCheckpoint.CallIds(before))],
                Output = status is null && !paused ? response.Text : null,
                Usage = _resumed is null ? response.Usage : UsageMath.ApplyRunDelta(_resumed.Usage, response.Usage, runBefore: null),
                Error = error,
            };
            if (paused)
            {
                var pending = ToolCallCheckpoint.PendingCalls(saved.Messages);
                saved.PauseReason = Agent.ConfirmationPauseReason;
                saved.Metadata = ToolCallCheckpoint.PendingMetadata(pending);
            }

            return saved;
        }
    }
}
