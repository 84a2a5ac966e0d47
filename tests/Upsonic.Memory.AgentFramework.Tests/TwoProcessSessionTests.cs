using System.Text.Json;
using Upsonic.Memory.Tests.Shared;

namespace Upsonic.Memory.AgentFramework.Tests;

/// <summary>
/// An agent session serialized by one process and deserialized by another continues the same memory: each run below is a
/// separate process (the SessionHost helper) over one SQLite file, handing over only the serialized session.
/// </summary>
public sealed class TwoProcessSessionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("upsonic-af-process-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    [Fact]
    public async Task A_session_serialized_in_one_process_recalls_history_summary_and_scope_in_a_new_process()
    {
        var first = await RunHostAsync("My name is Ada.");
        var second = await RunHostAsync("What is my name?");

        Assert.Equal(first.GetProperty("scope").GetString(), second.GetProperty("scope").GetString());
        Assert.Equal(["user: My name is Ada."], Strings(first.GetProperty("sent")));
        Assert.Equal(["user: My name is Ada.", "assistant: heard: My name is Ada.", "user: What is my name?"], Strings(second.GetProperty("sent")));
        Assert.Contains("<SessionSummary>\nThe user said: My name is Ada.\n</SessionSummary>", second.GetProperty("instructions").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, second.GetProperty("storedRuns").GetInt32());
    }

    private static List<string> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToList();

    private Task<JsonElement> RunHostAsync(string message) =>
        HostProcess.RunJsonAsync("Upsonic.Memory.AgentFramework.SessionHost", _directory,
            Path.Combine(_directory, "memory.db"), Path.Combine(_directory, "session.json"), message);
}
