using System.Diagnostics;

namespace Upsonic.Memory.Tool.Tests;

/// <summary>What one run of the tool printed and how it ended.</summary>
public sealed record ToolResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The non-empty lines of stderr.</summary>
    public IReadOnlyList<string> ErrorLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout:\n{Stdout}\n--- stderr:\n{Stderr}";
}

/// <summary>
/// Runs the built tool (<c>dotnet src/Upsonic.Memory.Tool/bin/&lt;Configuration&gt;/net10.0/upsonic-memory.dll</c>) in a fresh
/// working directory, with output redirected (so progress is plain lines) and no UPSONIC_MEMORY_* variables of the machine.
/// </summary>
public sealed class ToolProcess : IDisposable
{
    public ToolProcess()
    {
        WorkingDirectory = Directory.CreateTempSubdirectory("upsonic-tool-").FullName;
    }

    /// <summary>A fresh directory per test: the stores, export files and checkpoints go here.</summary>
    public string WorkingDirectory { get; }

    /// <summary>A path in the working directory.</summary>
    public string PathOf(string name) => Path.Combine(WorkingDirectory, name);

    public Task<ToolResult> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string>(), args);

    public async Task<ToolResult> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = Start(environment, args);
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Runs the tool and kills it (SIGKILL, no chance to clean up) as soon as it prints a stderr line that
    /// <paramref name="killWhen"/> accepts. Returns what it printed up to then, and whether it was killed before it finished.
    /// </summary>
    public async Task<(ToolResult Result, bool Killed)> RunAndKillAsync(Func<string, bool> killWhen, params string[] args)
    {
        using var process = Start(new Dictionary<string, string>(), args);
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = new System.Text.StringBuilder();
        var killed = false;
        while (await process.StandardError.ReadLineAsync(TestContext.Current.CancellationToken) is { } line)
        {
            stderr.AppendLine(line);
            if (!killed && killWhen(line))
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                    killed = true;
                }
                catch (InvalidOperationException)
                {
                    // It had already exited.
                }
            }
        }

        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (new ToolResult(process.ExitCode, await stdout, stderr.ToString()), killed);
    }

    private Process Start(IReadOnlyDictionary<string, string> environment, string[] args)
    {
        var dll = ToolDll();
        Assert.True(File.Exists(dll), $"The tool is not built at {dll}; build tests/Upsonic.Memory.Tool.Tests first.");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("UPSONIC_MEMORY_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return Process.Start(start)!;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(WorkingDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    internal static string ToolDll()
    {
        // The test assembly sits in tests/<project>/bin/<Configuration>/<tfm>/; the tool is built with the same configuration.
        var testDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = testDir.Name;
        var configuration = testDir.Parent!.Name;
        var root = testDir;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Upsonic.Memory.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        return Path.Combine(root.FullName, "src", "Upsonic.Memory.Tool", "bin", configuration, tfm, "upsonic-memory.dll");
    }
}
