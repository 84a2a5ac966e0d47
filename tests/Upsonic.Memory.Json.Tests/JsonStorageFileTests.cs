using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Upsonic.Storage;

namespace Upsonic.Memory.Json.Tests;

/// <summary>The files of a JsonStorage directory: layout, torn last lines, a head file older than its log, expiry, arguments.</summary>
public sealed class JsonStorageFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("upsonic-json-files-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_session_is_a_log_with_a_header_and_one_line_per_run_save_plus_a_head_file()
    {
        await using var storage = new JsonStorage(_directory);
        await storage.AppendRunAsync(TestRuns.Append("s1", "r1"), Ct);
        await storage.AppendRunAsync(TestRuns.Append("s1", "r2"), Ct);

        var log = JsonTarget.LogPath(storage, "s1");
        var lines = await File.ReadAllLinesAsync(log, Ct);
        Assert.Equal(3, lines.Length);
        Assert.Equal("s1", (string?)JsonNode.Parse(lines[0])!["head"]!["sessionId"]);
        Assert.Equal(["r1", "r2"], lines.Skip(1).Select(l => (string?)JsonNode.Parse(l)!["runs"]![0]!["run"]!["runId"]));
        Assert.True(File.Exists(log.Replace(".log.jsonl", ".head.json", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Imported_pages_append_one_log_line_each_and_a_page_imported_again_adds_none()
    {
        await using var storage = new JsonStorage(_directory);
        await storage.ImportSessionHeadAsync(new AgentSession { SessionId = "s1", UserId = "u1" }, Ct);
        var rows = Enumerable.Range(1, 6)
            .Select(i => new SessionMessageRow(i, (i + 1) / 2, $"r{(i + 1) / 2}", true, new ChatMessage(ChatRole.User, $"m{i}"))).ToList();
        await storage.ImportSessionMessagesAsync("s1", rows[..3], Ct);
        await storage.ImportSessionMessagesAsync("s1", rows[3..], Ct);
        var log = JsonTarget.LogPath(storage, "s1");
        var before = await File.ReadAllLinesAsync(log, Ct);

        await storage.ImportSessionMessagesAsync("s1", rows[3..], Ct);

        Assert.Equal(4, before.Length); // the header, the head's entry, one line per page
        Assert.Equal(before, await File.ReadAllLinesAsync(log, Ct));
        await using var reopened = new JsonStorage(_directory);
        var first = await reopened.GetSessionMessagesPageAsync("s1", null, 4, Ct);
        var second = await reopened.GetSessionMessagesPageAsync("s1", first.NextCursor, 4, Ct);
        Assert.Equal([1L, 2, 3, 4], first.Items.Select(r => r.Sequence));
        Assert.Equal([5L, 6], second.Items.Select(r => r.Sequence));
        Assert.Equal(["m5", "m6"], second.Items.Select(r => r.Message.Text));
        Assert.Equal(new SessionRowCounts(6, 6, 0), await reopened.CountSessionRowsAsync("s1", Ct));
    }

    [Fact]
    public async Task A_torn_last_line_is_ignored_on_read_and_cut_off_by_the_next_append()
    {
        await using var storage = new JsonStorage(_directory);
        await storage.AppendRunAsync(TestRuns.Append("s1", "r1"), Ct);
        var log = JsonTarget.LogPath(storage, "s1");
        await File.AppendAllTextAsync(log, """{"n":2,"runs":[{"run":{"runId":"torn","sequence":2""", Ct);

        await using var reopened = new JsonStorage(_directory);
        var window = await reopened.LoadSessionWindowAsync("s1", null, Ct);
        Assert.Single(window!.Turns);
        Assert.Null(await reopened.GetRunAsync("s1", "torn", Ct));

        var result = await reopened.AppendRunAsync(TestRuns.Append("s1", "r2"), Ct);

        Assert.Equal(2, result.Sequence);
        var lines = await File.ReadAllLinesAsync(log, Ct);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => JsonNode.Parse(l));
        Assert.Equal(["r1", "r2"], (await reopened.GetSessionAsync("s1", cancellationToken: Ct))!.Runs.Select(r => r.RunId));
    }

    [Fact]
    public async Task A_garbled_last_line_ending_in_a_newline_is_treated_as_torn()
    {
        await using var storage = new JsonStorage(_directory);
        await storage.AppendRunAsync(TestRuns.Append("s1", "r1"), Ct);
        await File.AppendAllTextAsync(JsonTarget.LogPath(storage, "s1"), "{\"n\":2,\0\0\0\n", Ct);

        var result = await storage.AppendRunAsync(TestRuns.Append("s1", "r2"), Ct);

        Assert.Equal(2, result.Sequence);
        Assert.Equal(2, (await storage.GetSessionAsync("s1", cancellationToken: Ct))!.Runs.Count);
    }

    [Fact]
    public async Task An_unreadable_line_before_the_last_one_is_a_storage_error_not_silent_loss()
    {
        await using var storage = new JsonStorage(_directory);
        await storage.AppendRunAsync(TestRuns.Append("s1", "r1"), Ct);
        await storage.AppendRunAsync(TestRuns.Append("s1", "r2"), Ct);
        var log = JsonTarget.LogPath(storage, "s1");
        var lines = await File.ReadAllLinesAsync(log, Ct);
        lines[1] = "{ garbage";
        await File.WriteAllLinesAsync(log, lines, Ct);

        var ex = await Assert.ThrowsAsync<StorageException>(() => storage.LoadSessionWindowAsync("s1", null, Ct));

        Assert.Contains("line 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_head_file_from_before_the_session_was_replaced_is_ignored_in_favour_of_the_log()
    {
        await using var storage = new JsonStorage(_directory);
        await storage.UpsertSessionAsync(new AgentSession { SessionId = "s1", Summary = "old" }, Ct);
        var head = JsonTarget.LogPath(storage, "s1").Replace(".log.jsonl", ".head.json", StringComparison.Ordinal);
        var oldHead = await File.ReadAllBytesAsync(head, Ct);
        await storage.UpsertSessionAsync(new AgentSession { SessionId = "s1", Summary = "new" }, Ct);

        // As if the process died after renaming the new log into place but before writing the new head.
        await File.WriteAllBytesAsync(head, oldHead, Ct);

        Assert.Equal("new", (await storage.GetSessionAsync("s1", cancellationToken: Ct))!.Summary);
    }

    [Fact]
    public async Task Appends_after_a_summary_update_are_rolled_into_the_head_that_does_not_know_them()
    {
        await using var storage = new JsonStorage(_directory);
        await storage.AppendRunAsync(TestRuns.Append("s1", "r1"), Ct);
        Assert.True(await storage.UpdateSummaryAsync("s1", "one turn", 1, Ct));
        var withUsage = TestRuns.Append("s1", "r2");
        withUsage.Run.Usage = new Microsoft.Extensions.AI.UsageDetails { InputTokenCount = 7 };
        await storage.AppendRunAsync(withUsage, Ct);

        await using var reopened = new JsonStorage(_directory);
        var session = await reopened.GetSessionAsync("s1", cancellationToken: Ct);

        Assert.Equal("one turn", session!.Summary);
        Assert.Equal(7, session.Usage!.InputTokenCount);
        Assert.Equal(session.Runs[1].UpdatedAt, session.UpdatedAt);
    }

    [Fact]
    public async Task An_instance_that_read_a_session_sees_what_another_instance_appended_or_replaced_since()
    {
        await using var first = new JsonStorage(_directory);
        await using var second = new JsonStorage(_directory);
        await first.AppendRunAsync(TestRuns.Append("s1", "r1"), Ct);
        Assert.Single((await first.LoadSessionWindowAsync("s1", null, Ct))!.Turns);

        await second.AppendRunAsync(TestRuns.Append("s1", "r2"), Ct);
        Assert.Equal(2, (await first.LoadSessionWindowAsync("s1", null, Ct))!.Turns.Count);
        Assert.Equal(3, (await first.AppendRunAsync(TestRuns.Append("s1", "r3"), Ct)).Sequence);

        await second.UpsertSessionAsync(new AgentSession { SessionId = "s1", Summary = "replaced" }, Ct);
        var window = await first.LoadSessionWindowAsync("s1", null, Ct);
        Assert.Empty(window!.Turns);
        Assert.Equal("replaced", window.Session.Summary);
        Assert.Equal(1, (await first.AppendRunAsync(TestRuns.Append("s1", "r4"), Ct)).Sequence);
    }

    [Fact]
    public async Task Expired_sessions_and_profiles_are_not_returned_and_their_files_are_deleted()
    {
        await using var storage = new JsonStorage(_directory, expire: 60);
        await storage.AppendRunAsync(TestRuns.Append("s1", "r1"), Ct);
        await storage.UpsertUserMemoryAsync(new UserMemory { UserId = "u1", Profile = new JsonObject { ["name"] = "Ada" } }, Ct);
        var log = JsonTarget.LogPath(storage, "s1");
        var profile = Directory.GetFiles(Path.Combine(_directory, storage.UserMemoryTable)).Single();

        // Last written two minutes ago: the session's time is in its head file and its log entries, the profile's in its file.
        var past = DateTimeOffset.UtcNow.AddMinutes(-2).ToString("O");
        var lines = await File.ReadAllLinesAsync(log, Ct);
        var entry = JsonNode.Parse(lines[^1])!;
        entry["updatedAt"] = past;
        lines[^1] = entry.ToJsonString();
        await File.WriteAllLinesAsync(log, lines, Ct);
        var headPath = log.Replace(".log.jsonl", ".head.json", StringComparison.Ordinal);
        var head = JsonNode.Parse(await File.ReadAllTextAsync(headPath, Ct))!;
        head["head"]!["updatedAt"] = past;
        await File.WriteAllTextAsync(headPath, head.ToJsonString(), Encoding.UTF8, Ct);
        var memory = JsonNode.Parse(await File.ReadAllTextAsync(profile, Ct))!;
        memory["updatedAt"] = past;
        await File.WriteAllTextAsync(profile, memory.ToJsonString(), Encoding.UTF8, Ct);

        Assert.Null(await storage.LoadSessionWindowAsync("s1", null, Ct));
        Assert.Null(await storage.GetUserMemoryAsync("u1", cancellationToken: Ct));
        Assert.False(File.Exists(log));
        Assert.False(File.Exists(headPath));
        Assert.False(File.Exists(profile));
    }

    [Fact]
    public async Task Unexpired_records_stay_when_expire_is_set()
    {
        await using var storage = new JsonStorage(_directory, expire: 3600);
        await storage.AppendRunAsync(TestRuns.Append("s1", "r1"), Ct);

        Assert.NotNull(await storage.LoadSessionWindowAsync("s1", null, Ct));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void A_non_positive_expire_is_rejected_naming_the_parameter(int expire)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new JsonStorage(_directory, expire: expire));

        Assert.Equal("expire", ex.ParamName);
    }

    [Fact]
    public void An_invalid_directory_path_is_rejected_naming_the_parameter()
    {
        var ex = Assert.Throws<ArgumentException>(() => new JsonStorage("bad\0path"));

        Assert.Equal("dbPath", ex.ParamName);
    }

    [Fact]
    public async Task The_default_directory_is_upsonic_json_db_and_is_created_owner_only()
    {
        var storage = new JsonStorage();
        await using (storage.ConfigureAwait(false))
        {
            Assert.Equal(Path.GetFullPath("upsonic_json_db"), storage.DbPath);
        }

        await using var here = new JsonStorage(Path.Combine(_directory, "db"));
        await here.EnsureCreatedAsync(Ct);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
                File.GetUnixFileMode(Path.Combine(_directory, "db", here.SessionTable)));
        }
    }
}
