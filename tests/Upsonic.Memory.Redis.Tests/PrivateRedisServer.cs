using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Upsonic.Memory.Redis.Tests;

/// <summary>
/// A redis-server process owned by one test (free port, no persistence), which the test may stop and restart. Readiness is the
/// server's own "Ready to accept connections" line, so nothing polls or sleeps.
/// </summary>
internal sealed class PrivateRedisServer : IAsyncDisposable
{
    private readonly string[] _extraArguments;
    private readonly List<string> _lines = [];
    private readonly List<(string Text, TaskCompletionSource Seen)> _waiters = [];
    private Process? _process;

    private PrivateRedisServer(int port, string[] extraArguments)
    {
        Port = port;
        _extraArguments = extraArguments;
    }

    public int Port { get; }

    public string Endpoint => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Starts a server on a free port; skips the test when redis-server is not installed.</summary>
    public static async Task<PrivateRedisServer> StartAsync(params string[] extraArguments)
    {
        var server = new PrivateRedisServer(FreePort(), extraArguments);
        await server.StartAsync();
        return server;
    }

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" }.Concat(_extraArguments))
        {
            start.ArgumentList.Add(arg);
        }

        lock (_lines)
        {
            _lines.Clear();
        }

        var ready = WaitForLineAsync("Ready to accept connections");
        Process process;
        try
        {
            process = new Process { StartInfo = start };
            process.OutputDataReceived += (_, e) => OnLine(e.Data);
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            Assert.Skip($"redis-server is not installed ({ex.Message}); run eng/test-servers/redis.sh start to install it.");
            throw;
        }

        _process = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await ready;
    }

    /// <summary>Completes when the server prints a line containing <paramref name="text"/> (bounded at 30 s), also if it already has.</summary>
    public Task WaitForLineAsync(string text)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lines)
        {
            if (_lines.Any(l => l.Contains(text, StringComparison.Ordinal)))
            {
                return Task.CompletedTask;
            }

            _waiters.Add((text, seen));
        }

        return seen.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    private void OnLine(string? line)
    {
        lock (_lines)
        {
            if (line is null)
            {
                _waiters.ForEach(w => w.Seen.TrySetException(new InvalidOperationException($"redis-server exited before printing '{w.Text}'.")));
                _waiters.Clear();
                return;
            }

            _lines.Add(line);
            foreach (var waiter in _waiters.Where(w => line.Contains(w.Text, StringComparison.Ordinal)).ToList())
            {
                waiter.Seen.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    /// <summary>Freezes the server (SIGSTOP): its socket stays open and accepts bytes, but nothing is answered, as with a hung host.</summary>
    public Task FreezeAsync() => SignalAsync("-STOP");

    /// <summary>Lets a frozen server run again (SIGCONT).</summary>
    public Task ThawAsync() => SignalAsync("-CONT");

    private async Task SignalAsync(string signal)
    {
        var pid = (_process ?? throw new InvalidOperationException("The server is not running.")).Id.ToString(CultureInfo.InvariantCulture);
        using var kill = Process.Start(new ProcessStartInfo("kill", [signal, pid]) { UseShellExecute = false })!;
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} {pid} failed with exit code {kill.ExitCode}.");
        }
    }

    /// <summary>Kills the server (SIGKILL: nothing is flushed, as in a crash) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            // A frozen process cannot exit until it runs again; SIGKILL ends it either way.
            _process = null;
            process.Kill();
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
