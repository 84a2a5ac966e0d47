using System.Diagnostics;

namespace Upsonic.Memory.Json.Tests;

/// <summary>
/// A child process running tests/Upsonic.Memory.Json.Writer (<c>dotnet &lt;dll&gt;</c>): it appends runs to one session of a
/// JsonStorage directory and prints <c>saved &lt;run id&gt;</c> after each append returns.
/// </summary>
public sealed class WriterProcess : IDisposable
{
    private readonly Process _process;

    private WriterProcess(Process process) => _process = process;

    /// <summary>The run ids the process reported as saved, in order.</summary>
    public List<string> Saved { get; } = [];

    public int ExitCode => _process.ExitCode;

    public static WriterProcess Start(string directory, string sessionId, string writer, int runs, int messageCharacters)
    {
        var dll = WriterDll();
        Assert.True(File.Exists(dll), $"The writer is not built at {dll}; build tests/Upsonic.Memory.Json.Tests first.");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { dll, directory, sessionId, writer, runs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            messageCharacters.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        return new WriterProcess(Process.Start(start)!);
    }

    /// <summary>Reads the output until the process has reported <paramref name="count"/> more saved runs (or exited).</summary>
    public async Task WaitForSavedAsync(int count, CancellationToken ct)
    {
        var target = Saved.Count + count;
        while (Saved.Count < target && await _process.StandardOutput.ReadLineAsync(ct) is { } line)
        {
            Record(line);
        }
    }

    /// <summary>Kills the process with SIGKILL (no chance to finish a write), then collects what it had printed.</summary>
    public async Task KillAsync(CancellationToken ct)
    {
        _process.Kill();
        await _process.WaitForExitAsync(ct);
        await ReadRestAsync(ct);
    }

    /// <summary>Waits for a normal exit and collects the output; fails with the process's error output when it failed.</summary>
    public async Task WaitForExitAsync(CancellationToken ct)
    {
        var errors = _process.StandardError.ReadToEndAsync(ct);
        await ReadRestAsync(ct);
        await _process.WaitForExitAsync(ct);
        Assert.True(_process.ExitCode == 0, $"The writer exited with {_process.ExitCode}: {await errors}");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.Dispose();
    }

    private async Task ReadRestAsync(CancellationToken ct)
    {
        while (await _process.StandardOutput.ReadLineAsync(ct) is { } line)
        {
            Record(line);
        }
    }

    private void Record(string line)
    {
        if (line.StartsWith("saved ", StringComparison.Ordinal))
        {
            Saved.Add(line["saved ".Length..]);
        }
    }

    private static string WriterDll()
    {
        // The test assembly sits in tests/<project>/bin/<Configuration>/<tfm>/; the writer is built with the same configuration.
        var testDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tests = testDir.Parent!.Parent!.Parent!.Parent!;
        const string name = "Upsonic.Memory.Json.Writer";
        return Path.Combine(tests.FullName, name, "bin", testDir.Parent.Name, testDir.Name, name + ".dll");
    }
}
