using System.Text.Json.Nodes;
using Upsonic.Storage;
using Upsonic.Storage.Sqlite;

namespace Upsonic.Memory.Tool.Tests;

/// <summary><c>sessions list</c>, <c>sessions show</c>, <c>users show</c> and <c>doctor</c> on a SQLite store written through the hot path.</summary>
public sealed class InspectCommandTests : IAsyncLifetime
{
    private readonly ToolProcess _tool = new();
    private string Uri => "sqlite:" + _tool.PathOf("memory.db");

    public async ValueTask InitializeAsync()
    {
        await using var storage = new SqliteStorage(dbFile: _tool.PathOf("memory.db"));
        await StoreSeeder.SeedSessionAsync(storage, "alice-1", "alice", 4);
        await StoreSeeder.SeedSessionAsync(storage, "alice-2", "alice", 2, agentId: "agent-2");
        await StoreSeeder.SeedSessionAsync(storage, "bob-1", "bob", 3);
        await StoreSeeder.SeedProfileAsync(storage, "alice");
    }

    public ValueTask DisposeAsync()
    {
        _tool.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Sessions_list_shows_every_session_in_a_table()
    {
        var result = await _tool.RunAsync("sessions", "list", "--storage", Uri);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("alice-1", result.Stdout);
        Assert.Contains("alice-2", result.Stdout);
        Assert.Contains("bob-1", result.Stdout);
        Assert.Contains("sessions 1-3 of 3", result.Stdout);
    }

    [Fact]
    public async Task Sessions_list_filters_by_user_and_agent_and_pages_as_json()
    {
        var byUser = await _tool.RunAsync("sessions", "list", "--storage", Uri, "--user", "alice", "--sort", "CreatedAt", "--order", "Ascending", "--json");
        var byAgent = await _tool.RunAsync("sessions", "list", "--storage", Uri, "--agent", "agent-2", "--json");
        var page = await _tool.RunAsync("sessions", "list", "--storage", Uri, "--order", "Ascending", "--limit", "1", "--offset", "1", "--json");

        Assert.True(byUser.ExitCode == 0, byUser.ToString());
        var users = JsonNode.Parse(byUser.Stdout)!;
        Assert.Equal(2, (long)users["total"]!);
        Assert.Equal(["alice-1", "alice-2"], users["sessions"]!.AsArray().Select(s => (string)s!["session_id"]!));
        Assert.Equal(4, (int)users["sessions"]![0]!["run_count"]!);
        Assert.Equal("alice-2", (string)Assert.Single(JsonNode.Parse(byAgent.Stdout)!["sessions"]!.AsArray())!["session_id"]!);
        var paged = JsonNode.Parse(page.Stdout)!;
        Assert.Equal(3, (long)paged["total"]!);
        Assert.Equal("alice-2", (string)Assert.Single(paged["sessions"]!.AsArray())!["session_id"]!);
    }

    [Fact]
    public async Task Sessions_show_prints_the_head_summary_and_the_last_turns_only()
    {
        var text = await _tool.RunAsync("sessions", "show", "alice-1", "--storage", Uri, "--last", "2");
        var json = await _tool.RunAsync("sessions", "show", "alice-1", "--storage", Uri, "--last", "2", "--json");

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("Summary of alice-1: 4 turns, ünïcødé ✓. (through turn 4)", text.Stdout);
        Assert.Contains("-- turn 3", text.Stdout);
        Assert.Contains("-- turn 4", text.Stdout);
        Assert.DoesNotContain("-- turn 2", text.Stdout);
        Assert.Contains("user: Question 4 of alice-1", text.Stdout);
        var session = JsonNode.Parse(json.Stdout)!;
        Assert.Equal("alice", (string)session["user_id"]!);
        Assert.Equal("tests", (string)session["metadata"]!["topic"]!);
        Assert.Equal([3L, 4L], session["turns"]!.AsArray().Select(t => (long)t!["turn"]!));
    }

    [Fact]
    public async Task Sessions_show_of_an_unknown_session_is_an_error()
    {
        var result = await _tool.RunAsync("sessions", "show", "nobody", "--storage", Uri);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no session 'nobody'", result.Stderr);
    }

    [Fact]
    public async Task Users_show_prints_the_profile()
    {
        var text = await _tool.RunAsync("users", "show", "alice", "--storage", Uri);
        var json = await _tool.RunAsync("users", "show", "alice", "--storage", Uri, "--json");
        var missing = await _tool.RunAsync("users", "show", "carol", "--storage", Uri);

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("Name of alice", text.Stdout);
        Assert.Contains("expertise", text.Stdout);
        Assert.Equal("C#", (string)JsonNode.Parse(json.Stdout)!["profile"]!["expertise"]!);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("no profile for user 'carol'", missing.Stderr);
    }

    [Fact]
    public async Task Doctor_reports_a_healthy_sqlite_store()
    {
        var result = await _tool.RunAsync("doctor", "--storage", Uri);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("reachable", result.Stdout);
        Assert.Contains("round trip", result.Stdout);
        Assert.Contains("healthy", result.Stdout);
    }
}
