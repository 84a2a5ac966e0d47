namespace Upsonic.Memory.Samples.Tests;

public sealed class SampleTests : IDisposable
{
    private readonly SampleProcess _samples = new();

    public void Dispose() => _samples.Dispose();

    [Fact]
    public async Task QuickStart_runs_the_seed_conversation_offline()
    {
        var result = await _samples.RunAsync("QuickStart");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("OFFLINE SAMPLE MODEL", result.Output);
        Assert.Contains("User:  My name is Alice and I'm a Python developer", result.Output);
        Assert.Contains("your name is Alice and you are a Python developer", result.Output);
        Assert.Contains("Messages stored now: 4", result.Output);
    }

    [Fact]
    public async Task QuickStart_remembers_in_a_second_process()
    {
        await RemembersInASecondProcessAsync("QuickStart");

        Assert.True(File.Exists(Path.Combine(_samples.WorkingDirectory, "quickstart.db")));
    }

    [Fact]
    public async Task Json_remembers_in_a_second_process_through_its_files()
    {
        await RemembersInASecondProcessAsync("Json");

        Assert.Single(Directory.GetFiles(Path.Combine(_samples.WorkingDirectory, "upsonic_json_db", "upsonic_sessions"), "*.log.jsonl"));
    }

    [Fact]
    public async Task InMemory_keeps_history_and_a_profile()
    {
        var result = await _samples.RunAsync("InMemory");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Stored messages: 6", result.Output);
        Assert.Contains("Python developer", result.Output.Split('\n').Single(l => l.StartsWith("Profile:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task SummaryOnly_answers_from_the_summary_without_history()
    {
        var result = await _samples.RunAsync("SummaryOnly");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Summary after turn 1: The user is called Bob", result.Output);
        var answer = result.Output.Split('\n').Last(l => l.StartsWith("Agent:", StringComparison.Ordinal));
        Assert.Contains("Bob", answer);
        Assert.Contains("Stored messages: 4", result.Output);
    }

    [Fact]
    public async Task UserProfileSchema_fills_the_custom_profile_type()
    {
        var result = await _samples.RunAsync("UserProfileSchema");

        Assert.True(result.ExitCode == 0, result.ToString());
        var profile = result.Output.Split('\n').Single(l => l.StartsWith("Profile:", StringComparison.Ordinal));
        Assert.Contains("\"name\":\"Carol\"", profile);
        Assert.Contains("\"primary_language\":\"Kotlin\"", profile);
        Assert.Contains("Carol", result.Output.Split('\n').Single(l => l.StartsWith("Agent (new session):", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Middleware_adds_history_to_a_plain_chat_client_and_streams()
    {
        var result = await _samples.RunAsync("Middleware");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Assistant (streaming): From what I remember, your name is Dana and you are a Go developer.", result.Output);
        Assert.Contains("Stored turns: 2, messages: 4", result.Output);
    }

    [Fact]
    public async Task AgentFramework_gives_a_ChatClientAgent_memory_offline()
    {
        var result = await _samples.RunAsync("AgentFramework");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("OFFLINE SAMPLE MODEL", result.Output);
        Assert.Contains("New agent session", result.Output);
        var answer = result.Output.Split('\n').Last(l => l.StartsWith("Agent:", StringComparison.Ordinal));
        Assert.Contains("Alice", answer);
        Assert.Contains("Python", answer);
        Assert.Contains("Runs stored: 2", result.Output);
    }

    [Fact]
    public async Task AgentFramework_continues_the_serialized_agent_session_in_a_second_process()
    {
        var first = await _samples.RunAsync("AgentFramework", "My name is Alice and I'm a Python developer");
        var second = await _samples.RunAsync("AgentFramework", "What's my name and expertise?");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("Continuing the agent session saved in agent-session.json", second.Output);
        var answer = second.Output.Split('\n').Single(l => l.StartsWith("Agent:", StringComparison.Ordinal));
        Assert.Contains("Alice", answer);
        Assert.Contains("Python", answer);
        Assert.Contains("Runs stored: 2", second.Output);
        var session = first.Output.Split('\n').Single(l => l.StartsWith("Memory session:", StringComparison.Ordinal));
        Assert.Contains(session, second.Output);
    }

    [Fact]
    public async Task HumanInTheLoop_pauses_in_one_process_and_resumes_in_another()
    {
        var paused = await _samples.RunAsync("HumanInTheLoop", "pause");
        var resumed = await _samples.RunAsync("HumanInTheLoop", "resume");

        Assert.True(paused.ExitCode == 0, paused.ToString());
        Assert.Contains("Status: Paused (confirmation)", paused.Output);
        Assert.Contains("Waiting for approval: delete_file(path=old-report.txt)", paused.Output);
        Assert.DoesNotContain("TOOL RAN", paused.Output);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Single(resumed.Output.Split('\n'), l => l.StartsWith("TOOL RAN: delete_file(old-report.txt)", StringComparison.Ordinal));
        Assert.Contains("Status: Completed; stored messages of the run: user -> assistant -> tool -> assistant", resumed.Output);
    }

    [Fact]
    public async Task HumanInTheLoop_rejection_never_runs_the_tool()
    {
        var paused = await _samples.RunAsync("HumanInTheLoop", "pause");
        var runId = paused.Output.Split('\n').Single(l => l.StartsWith("Run id: ", StringComparison.Ordinal))["Run id: ".Length..].Split(';')[0];
        var rejected = await _samples.RunAsync("HumanInTheLoop", "resume", runId, "reject");

        Assert.True(paused.ExitCode == 0, paused.ToString());
        Assert.True(rejected.ExitCode == 0, rejected.ToString());
        Assert.DoesNotContain("TOOL RAN", rejected.Output);
        Assert.Contains("Status: Completed", rejected.Output);
    }

    /// <summary>Runs a sample twice in the same working directory: the second process must know what the first was told.</summary>
    private async Task RemembersInASecondProcessAsync(string sample)
    {
        var first = await _samples.RunAsync(sample, "My name is Alice and I'm a Python developer");
        var second = await _samples.RunAsync(sample, "What's my name and expertise?");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("Messages stored before this run: 2", second.Output);
        var answer = second.Output.Split('\n').Single(l => l.StartsWith("Agent:", StringComparison.Ordinal));
        Assert.Contains("Alice", answer);
        Assert.Contains("Python", answer);
    }

    [Fact]
    public async Task Observability_prints_the_agent_memory_and_storage_spans_and_the_memory_metrics()
    {
        var result = await _samples.RunAsync("Observability");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Agent: ", result.Output.Split('\n').Last(l => l.StartsWith("Agent:", StringComparison.Ordinal)));
        Assert.Contains("Alice", result.Output.Split('\n').Last(l => l.StartsWith("Agent:", StringComparison.Ordinal)));
        foreach (var expected in new[]
        {
            "invoke_agent observed-agent", "memory.prepare", "memory.save", "memory.summary", "LoadSessionWindow upsonic_sessions",
            "AppendRun upsonic_sessions", "db.system.name: sqlite", "gen_ai.conversation.id: observed-session",
            "upsonic.memory.save.duration", "db.client.operation.duration", "upsonic.memory.turns_saved", "Telemetry flushed.",
        })
        {
            Assert.Contains(expected, result.Output);
        }

        Assert.DoesNotContain("user-1", result.Output);
    }
}
