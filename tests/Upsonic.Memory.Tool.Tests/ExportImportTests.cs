using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Upsonic.Storage;

namespace Upsonic.Memory.Tool.Tests;

/// <summary><c>export</c> and <c>import</c>: the format, filters, idempotence, and a copy identical record by record.</summary>
public sealed class ExportImportTests : IDisposable
{
    private readonly ToolProcess _tool = new();

    public void Dispose() => _tool.Dispose();

    /// <summary>A SQLite store with hot-path sessions, a session written whole through the record API, profiles and knowledge rows.</summary>
    private async Task<StoreTarget> SeededSourceAsync()
    {
        var source = StoreTarget.Create("sqlite", _tool, "source");
        await using var storage = source.Open();
        await StoreSeeder.SeedSessionAsync(storage, "alice-1", "alice", 5);
        await StoreSeeder.SeedSessionAsync(storage, "alice-2", "alice", 2);
        await StoreSeeder.SeedSessionAsync(storage, "bob-1", "bob", 7, agentId: "agent-2");
        await StoreSeeder.SeedSessionAsync(storage, "anonymous-1", null, 1);
        await storage.UpsertSessionAsync(new AgentSession
        {
            SessionId = "record-api \"quoted\" ünïcødé",
            SessionType = SessionType.Team,
            TeamId = "team-1",
            UserId = "carol",
            Messages = [new ChatMessage(ChatRole.User, "hi"), new ChatMessage(ChatRole.Assistant, "hello")],
            Runs = [StoreSeeder.Run("record-api", "carol", "agent-1", 1)],
            SessionData = new JsonObject { ["state"] = 1 },
        }, TestContext.Current.CancellationToken);
        await StoreSeeder.SeedProfileAsync(storage, "alice");
        await StoreSeeder.SeedProfileAsync(storage, "bob");
        await StoreSeeder.SeedKnowledgeAsync(storage, "doc-1");
        await StoreSeeder.SeedKnowledgeAsync(storage, "doc-2");
        return source;
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("json")]
    [InlineData("postgres")]
    [InlineData("redis")]
    [InlineData("mongo")]
    public async Task Export_then_import_into_another_backend_gives_identical_sessions_windows_summaries_and_profiles(string kind)
    {
        var source = await SeededSourceAsync();
        var target = StoreTarget.Create(kind, _tool, "target");
        var file = _tool.PathOf("export.jsonl");

        var export = await _tool.RunAsync("export", "--storage", source.Uri, "--output", file, "--page-size", "3");
        var import = await _tool.RunAsync("import", file, "--storage", target.Uri, "--page-size", "2");

        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.Contains("exported 5 session(s), 16 run(s)", export.Stderr);
        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.Contains("every session verified", import.Stderr);
        await using var expected = source.Open();
        await using var actual = target.Open();
        await StoreComparer.AssertIdenticalAsync(expected, actual);
    }

    [Fact]
    public async Task Importing_the_same_file_twice_changes_nothing()
    {
        var source = await SeededSourceAsync();
        var target = StoreTarget.Create("sqlite", _tool, "target");
        var file = _tool.PathOf("export.jsonl");
        Assert.Equal(0, (await _tool.RunAsync("export", "--storage", source.Uri, "--output", file)).ExitCode);

        var first = await _tool.RunAsync("import", file, "--storage", target.Uri);
        var afterFirst = await target.RawDumpAsync();
        var second = await _tool.RunAsync("import", file, "--storage", target.Uri);
        var afterSecond = await target.RawDumpAsync();

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        // Not one row more (the raw scan has one line per row), and every record still reads as on the source. (A head's
        // optimistic-concurrency version counter moves with every head write, so the raw text itself is not compared.)
        Assert.Equal(afterFirst.Split('\n').Length, afterSecond.Split('\n').Length);
        await using var expected = source.Open();
        await using var actual = target.Open();
        await StoreComparer.AssertIdenticalAsync(expected, actual);
    }

    [Fact]
    public async Task The_export_format_is_versioned_json_lines_with_a_checksum_per_session_and_a_footer()
    {
        var source = await SeededSourceAsync();

        var result = await _tool.RunAsync("export", "--storage", source.Uri);

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        var header = lines[0];
        Assert.Equal("header", (string)header["kind"]!);
        Assert.Equal("upsonic-memory-export", (string)header["format"]!);
        Assert.Equal(1, (int)header["version"]!);
        var footer = lines[^1];
        Assert.Equal("footer", (string)footer["kind"]!);
        Assert.Equal(5, (long)footer["sessions"]!);
        Assert.Equal(2, (long)footer["user_memories"]!);
        Assert.Equal(2, (long)footer["knowledge"]!);
        Assert.Equal(5, lines.Count(l => (string)l["kind"]! == "session_end"));
        var end = lines.Single(l => (string)l["kind"]! == "session_end" && (string)l["session_id"]! == "alice-1");
        Assert.Equal(5, (long)end["runs"]!);
        Assert.StartsWith("sha256:", (string)end["checksum"]!);
        var message = lines.First(l => (string)l["kind"]! == "message" && (string)l["session_id"]! == "alice-1");
        Assert.Equal(1, (long)message["sequence"]!);
        Assert.Equal("alice-1-run-1", (string)message["run_id"]!);
        Assert.True((bool)message["in_history"]!);
        Assert.Equal("user", (string)message["message"]!["role"]!);
    }

    [Fact]
    public async Task Export_filters_by_user_or_by_session()
    {
        var source = await SeededSourceAsync();

        var byUser = await _tool.RunAsync("export", "--storage", source.Uri, "--user", "alice");
        var bySession = await _tool.RunAsync("export", "--storage", source.Uri, "--session", "bob-1", "--session", "anonymous-1");

        Assert.True(byUser.ExitCode == 0, byUser.ToString());
        Assert.Equal(["alice-1", "alice-2"], SessionIds(byUser.Stdout).Order(StringComparer.Ordinal));
        Assert.Equal(1, Kinds(byUser.Stdout).Count(k => k == "user_memory"));
        Assert.DoesNotContain("knowledge", Kinds(byUser.Stdout));
        Assert.True(bySession.ExitCode == 0, bySession.ToString());
        Assert.Equal(["anonymous-1", "bob-1"], SessionIds(bySession.Stdout).Order(StringComparer.Ordinal));
        Assert.DoesNotContain("user_memory", Kinds(bySession.Stdout));
    }

    [Fact]
    public async Task A_changed_line_or_a_cut_file_is_refused_with_the_line_number()
    {
        var source = await SeededSourceAsync();
        var file = _tool.PathOf("export.jsonl");
        Assert.Equal(0, (await _tool.RunAsync("export", "--storage", source.Uri, "--output", file)).ExitCode);
        var lines = File.ReadAllLines(file);
        var changed = _tool.PathOf("changed.jsonl");
        File.WriteAllLines(changed, lines.Select(l => l.Replace("3 squared is 9.", "3 squared is 10.", StringComparison.Ordinal)));
        var cut = _tool.PathOf("cut.jsonl");
        File.WriteAllLines(cut, lines[..^3]);

        var changedResult = await _tool.RunAsync("import", changed, "--storage", "sqlite:" + _tool.PathOf("a.db"));
        var cutResult = await _tool.RunAsync("import", cut, "--storage", "sqlite:" + _tool.PathOf("b.db"));

        Assert.Equal(2, changedResult.ExitCode);
        Assert.Matches(@"^upsonic-memory: error: import: line \d+: session 'alice-1': its lines do not match its session_end line", changedResult.ErrorLines[^1]);
        Assert.Equal(2, cutResult.ExitCode);
        Assert.Contains("ends without a footer line", cutResult.ErrorLines[^1]);
    }

    private static IEnumerable<string> Kinds(string export) =>
        export.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => (string)JsonNode.Parse(l)!["kind"]!);

    private static IEnumerable<string> SessionIds(string export) =>
        export.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!)
            .Where(l => (string)l["kind"]! == "session").Select(l => (string)l["session"]!["session_id"]!);
}
