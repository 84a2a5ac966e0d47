using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Upsonic.Storage;

namespace Upsonic;

// Streaming runs (upstream's astream / stream): text as it arrives, the run saved once when the stream ends.
public sealed partial class Agent
{
    /// <summary>Runs <paramref name="task"/> and yields the model's text as it arrives.</summary>
    /// <param name="task">The task; filled as by <see cref="DoAsync(AgentTask, CancellationToken)"/> when the stream ends.</param>
    /// <param name="ct">Cancels the run; a cancelled run is stored as <see cref="RunStatus.Cancelled"/>.</param>
    /// <returns>The text chunks, in order; together they are the final text (empty when the run pauses for approval).</returns>
    /// <remarks>
    /// <para>Memory is prepared when enumeration starts, exactly as for <see cref="DoAsync(AgentTask, CancellationToken)"/>. The run is
    /// saved once, after the last chunk: completed (or paused, when the response asks for tool approval) with all its messages and its usage.</para>
    /// <para>A model failure saves the run as <see cref="RunStatus.Error"/> and is rethrown; cancelling <paramref name="ct"/>, or
    /// stopping the enumeration before the end, saves it as <see cref="RunStatus.Cancelled"/>. Both keep the user message and can be
    /// continued with <see cref="ContinueRunAsync(string, bool, CancellationToken)"/>.</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="task"/> is null.</exception>
    public IAsyncEnumerable<string> StreamAsync(AgentTask task, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        return StreamCoreAsync(task, ct);
    }

    /// <summary>Runs <paramref name="prompt"/> as a new <see cref="AgentTask"/> and yields the model's text as it arrives.</summary>
    /// <param name="prompt">The prompt.</param>
    /// <param name="ct">Cancels the run.</param>
    /// <returns>The text chunks, in order.</returns>
    /// <exception cref="ArgumentException"><paramref name="prompt"/> is null, empty or whitespace.</exception>
    public IAsyncEnumerable<string> StreamAsync(string prompt, CancellationToken ct = default) => StreamAsync(new AgentTask(prompt), ct);

    /// <summary>Synchronous twin of <see cref="StreamAsync(AgentTask, CancellationToken)"/>: each chunk blocks until it arrives.</summary>
    /// <param name="task">The task.</param>
    /// <returns>The text chunks, in order.</returns>
    public IEnumerable<string> Stream(AgentTask task) => StreamAsync(task).ToBlockingEnumerable();

    /// <summary>Synchronous twin of <see cref="StreamAsync(string, CancellationToken)"/>.</summary>
    /// <param name="prompt">The prompt.</param>
    /// <returns>The text chunks, in order.</returns>
    public IEnumerable<string> Stream(string prompt) => StreamAsync(prompt).ToBlockingEnumerable();

    private async IAsyncEnumerable<string> StreamCoreAsync(AgentTask task, [EnumeratorCancellation] CancellationToken ct)
    {
        using var span = AgentTelemetry.StartInvoke(this);
        MemoryContext context;
        RunProgress run;
        try
        {
            (context, run) = await StartAsync(task, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (span.Fail(ex))
        {
            throw;
        }

        var history = context.MessageHistory;
        var toSend = run.Messages.ToList();
        var options = OptionsFor(run, context, history.Count + toSend.Count);
        var updates = new List<ChatResponseUpdate>();
        var ended = false;
        var stream = _pipeline.GetStreamingResponseAsync([.. history, .. toSend], options, ct).GetAsyncEnumerator(ct);
        try
        {
            while (true)
            {
                try
                {
                    if (!await stream.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (Exception ex)
                {
                    ended = true;
                    span.Fail(ex);
                    AgentTelemetry.Resume(span);
                    await FailAsync(task, run, ex, ct).ConfigureAwait(false);
                    AgentTelemetry.Ended(span, task);
                    throw;
                }

                var update = stream.Current;
                updates.Add(update);
                var text = update.Text;
                if (!string.IsNullOrEmpty(text))
                {
                    yield return text;
                }
            }

            ended = true;
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            if (!ended)
            {
                // The consumer stopped reading: the run did not complete, and is kept as a resumable checkpoint.
                task.Status = RunStatus.Cancelled;
                AgentTelemetry.Resume(span);
                AgentTelemetry.Ended(span, task);
                await SaveCheckpointAsync(run, RunStatus.Cancelled, error: null).ConfigureAwait(false);
            }
        }

        AgentTelemetry.Resume(span);
        try
        {
            await FinishAsync(task, run, updates.ToChatResponse(), ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (span.Fail(ex))
        {
            throw;
        }

        AgentTelemetry.Ended(span, task);
    }
}
