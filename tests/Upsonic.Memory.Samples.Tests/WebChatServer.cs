using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;

namespace Upsonic.Memory.Samples.Tests;

/// <summary>The WebChat sample running as a real process on 127.0.0.1 with a free port, in a given working directory.</summary>
public sealed class WebChatServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WebChatServer(Process process, Uri address)
    {
        _process = process;
        Client = new HttpClient { BaseAddress = address };
    }

    /// <summary>A client for the server's address.</summary>
    public HttpClient Client { get; }

    /// <summary>Everything the process printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the sample and returns once it reports that it is listening.</summary>
    public static async Task<WebChatServer> StartAsync(string workingDirectory, CancellationToken ct)
    {
        var port = FreePort();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(SampleProcess.SampleDll("WebChat"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment.Remove("UPSONIC_MODEL");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // appsettings.json is read from the content root, the sample's build directory; the database goes to the working directory.
        start.Environment["ASPNETCORE_CONTENTROOT"] = Path.GetDirectoryName(start.ArgumentList[0]);
        start.Environment["Upsonic__Memory__Storage__Sqlite__DbFile"] = Path.Combine(workingDirectory, "webchat.db");

        var server = new WebChatServer(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}"));
        server._process.OutputDataReceived += (_, e) => server.Record(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Record(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        var exited = server._process.WaitForExitAsync(ct);
        if (await Task.WhenAny(server._started.Task, exited) != server._started.Task)
        {
            Assert.Fail("WebChat exited before it started listening:\n" + server.Output);
        }

        return server;
    }

    /// <summary>Sends one chat turn and returns the answer text.</summary>
    public async Task<string> ChatAsync(string userId, string conversationId, string message, CancellationToken ct)
    {
        using var response = await Client.PostAsJsonAsync("/chat", new { userId, conversationId, message }, ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}\n{Output}");
        var reply = await response.Content.ReadFromJsonAsync<Reply>(ct);
        return reply!.Text;
    }

    /// <summary>Sends one chat turn to <c>/chat/stream</c> and returns the text chunks of its server-sent events, in order.</summary>
    public async Task<List<string>> StreamAsync(string userId, string conversationId, string message, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/chat/stream") { Content = JsonContent.Create(new { userId, conversationId, message }) };
        using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}\n{Output}");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var chunks = new List<string>();
        var data = new List<string>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        // An event is its "data:" lines (one space after the colon is not data), ended by a blank line.
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Count > 0)
                {
                    chunks.Add(string.Join("\n", data));
                    data.Clear();
                }
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Add(line.StartsWith("data: ", StringComparison.Ordinal) ? line["data: ".Length..] : line["data:".Length..]);
            }
        }

        return chunks;
    }

    /// <summary>Posts <paramref name="body"/> to <paramref name="path"/> and returns the status code.</summary>
    public async Task<HttpStatusCode> PostStatusAsync(string path, object body, CancellationToken ct)
    {
        using var response = await Client.PostAsJsonAsync(path, body, ct);
        return response.StatusCode;
    }

    /// <summary>Asks the process to shut down as a service manager would (SIGTERM) and waits for it to exit.</summary>
    public async Task<int> StopAsync(CancellationToken ct)
    {
        if (OperatingSystem.IsWindows())
        {
            _process.Kill();
        }
        else
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync(ct);
        }

        await _process.WaitForExitAsync(ct);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line.Contains("Application started", StringComparison.Ordinal))
        {
            _started.TrySetResult();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record Reply(string Text);
}
