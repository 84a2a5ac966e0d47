using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Upsonic.Storage.Testing;

/// <summary>
/// A deterministic <see cref="IChatClient"/> for tests: it answers from rules and a queue of scripted replies and records
/// every request it receives.
/// </summary>
/// <remarks>
/// <para>Each request is answered by the first of: a pending <see cref="ThrowNext"/>; the first rule (<see cref="When(Func{ScriptedRequest, bool}, string)"/>
/// and overloads, in the order they were added) whose predicate matches; the next queued reply; the default reply given to the
/// constructor. With none of them it throws <see cref="InvalidOperationException"/>, so a test never gets a reply it did not script.</para>
/// <para>Every request is recorded (deep copies of the messages and options) before it is answered, including requests that throw.</para>
/// </remarks>
public sealed class ScriptedChatClient : IChatClient
{
    private readonly object _gate = new();
    private readonly Queue<Func<ScriptedRequest, ChatResponse>> _queue = new();
    private readonly List<(Func<ScriptedRequest, bool> Predicate, Func<ScriptedRequest, ChatResponse> Reply)> _rules = [];
    private readonly List<ScriptedRequest> _requests = [];
    private readonly string? _defaultReply;
    private Exception? _throwNext;

    /// <summary>Creates a client.</summary>
    /// <param name="defaultReply">The text to answer with when no rule matches and the queue is empty; null makes such a request throw.</param>
    public ScriptedChatClient(string? defaultReply = null)
    {
        _defaultReply = defaultReply;
    }

    /// <summary>Usage reported on every reply that does not carry its own, or null for none.</summary>
    public UsageDetails? UsagePerReply { get; set; }

    /// <summary>The model id reported on replies.</summary>
    public string ModelId { get; set; } = "scripted";

    /// <summary>Every request received so far, in order.</summary>
    public IReadOnlyList<ScriptedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return _requests.ToList();
            }
        }
    }

    /// <summary>How many requests were received.</summary>
    public int CallCount
    {
        get
        {
            lock (_gate)
            {
                return _requests.Count;
            }
        }
    }

    /// <summary>The sum of <see cref="ScriptedRequest.CharacterCount"/> over every request.</summary>
    public long TotalCharactersSent
    {
        get
        {
            lock (_gate)
            {
                return _requests.Sum(r => (long)r.CharacterCount);
            }
        }
    }

    /// <summary>How many replies are still queued.</summary>
    public int PendingReplies
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Queues a plain text reply.</summary>
    public ScriptedChatClient EnqueueText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Enqueue(_ => TextResponse(text));
    }

    /// <summary>Queues a JSON reply (for structured output): <paramref name="json"/> is sent as the reply text unchanged.</summary>
    public ScriptedChatClient EnqueueJson(string json) => EnqueueText(json);

    /// <summary>Queues a JSON reply: <paramref name="value"/> serialized with System.Text.Json (web defaults).</summary>
    public ScriptedChatClient EnqueueJson(object value) => EnqueueText(JsonSerializer.Serialize(value, JsonSerializerOptions.Web));

    /// <summary>Queues a whole response (for example one with a <see cref="FunctionCallContent"/> to drive a tool loop).</summary>
    public ScriptedChatClient Enqueue(ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return Enqueue(_ => response);
    }

    /// <summary>Queues a reply computed from the request.</summary>
    public ScriptedChatClient Enqueue(Func<ScriptedRequest, ChatResponse> reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        lock (_gate)
        {
            _queue.Enqueue(reply);
        }

        return this;
    }

    /// <summary>Queues a reply that throws <paramref name="exception"/>.</summary>
    public ScriptedChatClient EnqueueThrow(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return Enqueue(_ => throw exception);
    }

    /// <summary>Makes the next request throw <paramref name="exception"/>, whatever the rules and queue say.</summary>
    public void ThrowNext(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        lock (_gate)
        {
            _throwNext = exception;
        }
    }

    /// <summary>Answers every request that matches <paramref name="predicate"/> with <paramref name="text"/>.</summary>
    public ScriptedChatClient When(Func<ScriptedRequest, bool> predicate, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return When(predicate, _ => TextResponse(text));
    }

    /// <summary>Answers every request that matches <paramref name="predicate"/> with the text <paramref name="reply"/> computes.</summary>
    public ScriptedChatClient When(Func<ScriptedRequest, bool> predicate, Func<ScriptedRequest, string> reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return When(predicate, r => TextResponse(reply(r)));
    }

    /// <summary>Answers every request that matches <paramref name="predicate"/> with the response <paramref name="reply"/> computes.</summary>
    public ScriptedChatClient When(Func<ScriptedRequest, bool> predicate, Func<ScriptedRequest, ChatResponse> reply)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        ArgumentNullException.ThrowIfNull(reply);
        lock (_gate)
        {
            _rules.Add((predicate, reply));
        }

        return this;
    }

    /// <summary>Makes every request that matches <paramref name="predicate"/> throw <paramref name="exception"/>.</summary>
    public ScriptedChatClient WhenThrow(Func<ScriptedRequest, bool> predicate, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return When(predicate, (Func<ScriptedRequest, ChatResponse>)(_ => throw exception));
    }

    /// <summary>The requests that asked for JSON output (structured output).</summary>
    public IReadOnlyList<ScriptedRequest> JsonRequests => Requests.Where(r => r.WantsJson).ToList();

    /// <summary>Forgets the recorded requests (rules and queued replies stay).</summary>
    public void ClearRequests()
    {
        lock (_gate)
        {
            _requests.Clear();
        }
    }

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Answer(messages, options, streaming: false));
    }

    /// <inheritdoc />
    /// <remarks>The reply is split into updates: each text content is sent in chunks of a few words, other contents whole.</remarks>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        cancellationToken.ThrowIfCancellationRequested();
        var response = Answer(messages, options, streaming: true);
        foreach (var update in Split(response))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return update;
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return new ChatClientMetadata("scripted", null, ModelId);
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private ChatResponse Answer(IEnumerable<ChatMessage> messages, ChatOptions? options, bool streaming)
    {
        Func<ScriptedRequest, ChatResponse>? reply = null;
        ScriptedRequest request;
        Exception? toThrow;
        lock (_gate)
        {
            request = new ScriptedRequest(messages, options, streaming, _requests.Count);
            _requests.Add(request);
            toThrow = _throwNext;
            _throwNext = null;
            if (toThrow is null)
            {
                foreach (var rule in _rules)
                {
                    if (rule.Predicate(request))
                    {
                        reply = rule.Reply;
                        break;
                    }
                }

                if (reply is null && _queue.Count > 0)
                {
                    reply = _queue.Dequeue();
                }
            }
        }

        if (toThrow is not null)
        {
            throw toThrow;
        }

        if (reply is null)
        {
            if (_defaultReply is null)
            {
                throw new InvalidOperationException(
                    $"ScriptedChatClient has no reply for request {request.Index}: no rule matched and the queue is empty. Prompt starts: "
                    + request.PromptText[..Math.Min(200, request.PromptText.Length)]);
            }

            reply = _ => TextResponse(_defaultReply);
        }

        var response = reply(request);
        response.ModelId ??= ModelId;
        response.ResponseId ??= $"scripted-{request.Index}";
        if (response.Usage is null && UsagePerReply is not null)
        {
            response.Usage = new UsageDetails
            {
                InputTokenCount = UsagePerReply.InputTokenCount,
                OutputTokenCount = UsagePerReply.OutputTokenCount,
                TotalTokenCount = UsagePerReply.TotalTokenCount,
            };
        }

        return response;
    }

    private static ChatResponse TextResponse(string text) => new(new ChatMessage(ChatRole.Assistant, text)) { FinishReason = ChatFinishReason.Stop };

    private static IEnumerable<ChatResponseUpdate> Split(ChatResponse response)
    {
        foreach (var message in response.Messages)
        {
            foreach (var content in message.Contents)
            {
                if (content is TextContent text && !string.IsNullOrEmpty(text.Text))
                {
                    foreach (var chunk in Chunks(text.Text))
                    {
                        yield return new ChatResponseUpdate(message.Role, chunk) { MessageId = message.MessageId, ResponseId = response.ResponseId, ModelId = response.ModelId };
                    }
                }
                else
                {
                    yield return new ChatResponseUpdate(message.Role, [content]) { MessageId = message.MessageId, ResponseId = response.ResponseId, ModelId = response.ModelId };
                }
            }
        }

        var final = new ChatResponseUpdate { Role = ChatRole.Assistant, FinishReason = response.FinishReason, ResponseId = response.ResponseId, ModelId = response.ModelId };
        if (response.Usage is not null)
        {
            final.Contents.Add(new UsageContent(response.Usage));
        }

        yield return final;
    }

    // Chunks of about three words keep word boundaries, so the joined updates equal the original text.
    private static IEnumerable<string> Chunks(string text)
    {
        var start = 0;
        var spaces = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == ' ' && ++spaces == 3)
            {
                yield return text[start..(i + 1)];
                start = i + 1;
                spaces = 0;
            }
        }

        if (start < text.Length)
        {
            yield return text[start..];
        }
    }
}
