using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Upsonic.Storage.Testing;

/// <summary>
/// A small HTTP server on 127.0.0.1 (a free port) for tests of code that calls an HTTP API: a model provider's SDK, a storage
/// backend over a REST service. It records every request and answers each with what the handler returns, so the real client
/// is exercised end to end without a network or a key.
/// </summary>
/// <remarks>
/// Requests are served concurrently (one task per request), so the handler must be thread-safe. A handler that throws answers
/// 500 with the exception's message, so a client never waits for its timeout because of a broken test server. Disposing stops
/// the listener and waits for the requests in flight.
/// </remarks>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<LoopbackRequest, LoopbackResponse> _handle;
    private readonly List<LoopbackRequest> _requests = [];
    private readonly List<Task> _inFlight = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    /// <summary>Starts a server that answers every request with <paramref name="handle"/>.</summary>
    /// <param name="handle">Computes the answer to one request; called concurrently.</param>
    public LoopbackHttpServer(Func<LoopbackRequest, LoopbackResponse> handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        _handle = handle;
        BaseUrl = new Uri($"http://127.0.0.1:{FreePort()}/");
        _listener.Prefixes.Add(BaseUrl.ToString());
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>The server's address, with a trailing slash (for example http://127.0.0.1:41234/).</summary>
    public Uri BaseUrl { get; }

    /// <summary>The requests received so far, in the order they arrived.</summary>
    public IReadOnlyList<LoopbackRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToList();
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // The loop is stopped by cancellation, not by HttpListener.Stop alone: an accept begun while Stop runs can be left
        // pending forever by the listener, and the loop would never return.
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _loop.ConfigureAwait(false);
        Task[] inFlight;
        lock (_inFlight)
        {
            inFlight = [.. _inFlight];
        }

        await Task.WhenAll(inFlight).ConfigureAwait(false);
        _listener.Close();
        _stopping.Dispose();
    }

    private async Task ServeAsync()
    {
        while (true)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().WaitAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
            {
                return;
            }

            var task = Task.Run(() => AnswerAsync(context));
            lock (_inFlight)
            {
                _inFlight.RemoveAll(t => t.IsCompleted);
                _inFlight.Add(task);
            }
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        try
        {
            LoopbackResponse response;
            try
            {
                response = _handle(await ReadAsync(context.Request).ConfigureAwait(false));
            }
            catch (Exception ex)
            {
                // Any handler failure becomes a 500, so the client sees it at once instead of waiting for its timeout.
                response = new LoopbackResponse(500, new JsonObject { ["detail"] = ex.ToString() }.ToJsonString());
            }

            var bytes = Encoding.UTF8.GetBytes(response.Body);
            context.Response.StatusCode = response.Status;
            context.Response.ContentType = response.ContentType;
            foreach (var (name, value) in response.Headers)
            {
                context.Response.Headers[name] = value;
            }

            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or IOException)
        {
            // The client went away or the server is stopping: nobody is left to answer.
        }
    }

    private async Task<LoopbackRequest> ReadAsync(HttpListenerRequest request)
    {
        using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
        var text = await reader.ReadToEndAsync().ConfigureAwait(false);
        var headers = request.Headers.AllKeys.Where(k => k is not null)
            .ToDictionary(k => k!.ToLowerInvariant(), k => request.Headers[k] ?? "");
        JsonObject body;
        try
        {
            body = text.Length == 0 ? [] : JsonNode.Parse(text) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            body = [];
        }

        var received = new LoopbackRequest(request.HttpMethod, request.Url!, headers, body);
        lock (_requests)
        {
            _requests.Add(received);
        }

        return received;
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
