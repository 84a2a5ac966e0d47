using System.Diagnostics;
using System.Text.Json;

namespace Upsonic.Memory.Tests.Shared;

/// <summary>
/// Runs a small host program of this repository's tests (a project under tests/, built beside the test project) as a separate
/// OS process with <c>dotnet &lt;dll&gt;</c>, and returns what it printed as JSON. Linked into the test projects that use it.
/// </summary>
internal static class HostProcess
{
    /// <summary>Runs <paramref name="project"/>'s built program with <paramref name="arguments"/> in <paramref name="workingDirectory"/>.</summary>
    /// <param name="project">The host's project name (its folder under tests/ and its assembly name).</param>
    /// <param name="workingDirectory">The process's working directory.</param>
    /// <param name="arguments">The program's arguments.</param>
    /// <returns>The JSON document of the last line the process printed.</returns>
    public static async Task<JsonElement> RunJsonAsync(string project, string workingDirectory, params string[] arguments)
    {
        // The test runs from tests/<TestProject>/bin/<Configuration>/<TargetFramework>/; the host is built at the same place of its project.
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var dll = Path.Combine(output.Parent!.Parent!.Parent!.Parent!.FullName, project, "bin", output.Parent.Name, output.Name, project + ".dll");
        Assert.True(File.Exists(dll), $"The host {project} is not built at {dll}; build the test project first (it builds the host).");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var ct = TestContext.Current.CancellationToken;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var printed = await stdout;
        Assert.True(process.ExitCode == 0, $"{project} exited with {process.ExitCode}:\n{printed}{await stderr}");
        return JsonDocument.Parse(printed.TrimEnd().Split('\n')[^1]).RootElement.Clone();
    }
}
