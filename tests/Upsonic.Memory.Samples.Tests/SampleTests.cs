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
    public async Task QuickStart_run_twice_asks_only_the_question_the_second_time_and_prints_its_database()
    {
        var first = await _samples.RunAsync("QuickStart");
        var second = await _samples.RunAsync("QuickStart");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        var database = Path.Combine(_samples.WorkingDirectory, "quickstart.db");
        Assert.Contains($"Database: {database}", second.Output);
        Assert.True(File.Exists(database));
        Assert.Equal(["User:  What's my name and expertise?"], Lines(second, "User:"));
        var answer = Assert.Single(Lines(second, "Agent:"));
        Assert.Contains("your name is Alice and you are a Python developer", answer);
    }

    [Fact]
    public async Task SaveOnlyProfile_stores_the_profile_without_injecting_it()
    {
        var result = await _samples.RunAsync("SaveOnlyProfile");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("I don't know anything about you yet", Assert.Single(Lines(result, "Agent (save-only, new session):")));
        Assert.Contains("Java developer", Assert.Single(Lines(result, "Stored profile:")));
        Assert.Contains("you are a Java developer", Assert.Single(Lines(result, "Agent (profile loaded):")));
    }

    [Fact]
    public async Task ProfileModes_update_keeps_the_name_and_replace_drops_it()
    {
        var result = await _samples.RunAsync("ProfileModes");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Update after session 2: {\"name\":\"Frank\",\"role\":\"Rust engineer\"}", result.Output);
        Assert.Contains("Replace after session 2: {\"role\":\"Rust engineer\"}", result.Output);
    }

    [Fact]
    public async Task DynamicProfile_lets_the_model_choose_the_fields()
    {
        var result = await _samples.RunAsync("DynamicProfile");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("IsProfileDynamic: True", result.Output);
        Assert.Contains("Fields the model chose: name, expertise", result.Output);
        Assert.Contains("your name is Hana", Assert.Single(Lines(result, "Agent (new session):")));
    }

    [Fact]
    public async Task ToolResultsInHistory_keeps_the_weather_tool_result_only_when_feeding_tool_results()
    {
        var result = await _samples.RunAsync("ToolResultsInHistory");

        Assert.True(result.ExitCode == 0, result.ToString());
        var feeding = Assert.Single(Lines(result, "History with feedToolCallResults: true:"));
        var filtered = Assert.Single(Lines(result, "History with feedToolCallResults: false:"));
        Assert.Contains("assistant calls get_weather -> tool result \"Sunny and 22 C in Paris\"", feeding);
        Assert.DoesNotContain("get_weather", filtered);
        Assert.Contains("user \"What's the weather in Paris?\"", filtered);
    }

    [Fact]
    public async Task TokenEfficient_loads_two_turns_and_recalls_the_name_from_the_summary()
    {
        var result = await _samples.RunAsync("TokenEfficient");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Stored messages: 8; loaded for the next run: 4", result.Output);
        Assert.Contains("Grace", Assert.Single(Lines(result, "Summary:")));
        Assert.Contains("your name is Grace", Lines(result, "Agent:")[^1]);
    }

    private static List<string> Lines(SampleResult result, string prefix) =>
        result.Output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).ToList();

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
