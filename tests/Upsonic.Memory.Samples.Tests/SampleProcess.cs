using System.Diagnostics;

namespace Upsonic.Memory.Samples.Tests;

/// <summary>What a sample process printed and how it ended.</summary>
public sealed record SampleResult(int ExitCode, string Output)
{
    public override string ToString() => $"exit {ExitCode}:\n{Output}";
}

/// <summary>Runs a built sample (<c>dotnet samples/&lt;Name&gt;/bin/&lt;Configuration&gt;/net10.0/&lt;Name&gt;.dll</c>) in a working directory.</summary>
public sealed class SampleProcess : IDisposable
{
    public SampleProcess()
    {
        WorkingDirectory = Directory.CreateTempSubdirectory("upsonic-sample-").FullName;
    }

    /// <summary>A fresh directory per test: the samples' SQLite files and state files go here.</summary>
    public string WorkingDirectory { get; }

    public Task<SampleResult> RunAsync(string sample, params string[] args) => RunAsync(sample, new Dictionary<string, string>(), args);

    /// <summary>Runs a sample with extra environment variables (for example the server a backend sample connects to).</summary>
    public async Task<SampleResult> RunAsync(string sample, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var dll = SampleDll(sample);
        Assert.True(File.Exists(dll), $"Sample {sample} is not built at {dll}; build tests/Upsonic.Memory.Samples.Tests first.");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The offline sample model, whatever the machine has configured.
        start.Environment.Remove("UPSONIC_MODEL");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return new SampleResult(process.ExitCode, await stdout + await stderr);
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

    internal static string SampleDll(string sample)
    {
        // The test assembly sits in tests/<project>/bin/<Configuration>/<tfm>/; the samples are built with the same configuration.
        var testDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = testDir.Name;
        var configuration = testDir.Parent!.Name;
        var root = testDir;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Upsonic.Memory.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        return Path.Combine(root.FullName, "samples", sample, "bin", configuration, tfm, sample + ".dll");
    }
}
