using Upsonic.Storage;

namespace Upsonic.Memory.Json.Tests;

/// <summary>A damaged file (a log line before the last one that does not parse, a garbled head or knowledge file) fails only the
/// reads of its own record: listings return the others and report it, writes that sweep go on, and it can still be deleted.</summary>
public sealed class JsonDamagedFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("upsonic-json-damaged-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_garbled_middle_line_of_a_log_fails_only_its_session_and_a_listing_returns_the_others_and_reports_it()
    {
        await using var storage = await ThreeSessionsAsync();
        await GarbleLineAsync(JsonTarget.LogPath(storage, "s-2"), 1);

        var all = await storage.GetSessionsAsync(cancellationToken: Ct);
        var filtered = await storage.GetSessionsAsync(new SessionQuery { UserId = "u1", Limit = 10 }, Ct);

        foreach (var page in new[] { all, filtered })
        {
            Assert.Equal(["s-1", "s-3"], page.Items.Select(s => s.SessionId).Order(StringComparer.Ordinal));
            var report = Assert.Single(page.UnreadableRecords);
            Assert.True(report.IsCorruptData);
            Assert.Equal("s-2", report.RecordId);
            Assert.Equal(3, page.Total);
        }

        Assert.Equal(2, (await storage.GetSessionAsync("s-1", cancellationToken: Ct))!.Runs.Count);
        var single = await Assert.ThrowsAsync<StorageException>(() => storage.GetSessionAsync("s-2", cancellationToken: Ct));
        Assert.True(single.IsCorruptData);
        Assert.Equal("s-2", single.RecordId);
        Assert.Contains("line 2", single.Message, StringComparison.Ordinal);
        Assert.True(await storage.DeleteSessionAsync("s-2", Ct));
        var after = await storage.GetSessionsAsync(cancellationToken: Ct);
        Assert.Empty(after.UnreadableRecords);
        Assert.Equal(2, after.Total);
    }

    [Fact]
    public async Task A_session_whose_log_and_head_file_are_both_garbled_is_reported_by_its_id_when_named_and_can_be_deleted()
    {
        await using var storage = await ThreeSessionsAsync();
        var log = JsonTarget.LogPath(storage, "s-2");
        await GarbleLineAsync(log, 0);
        await File.WriteAllTextAsync(log.Replace(".log.jsonl", ".head.json", StringComparison.Ordinal), "{ garbage", Ct);

        var single = await Assert.ThrowsAsync<StorageException>(() => storage.GetSessionAsync("s-2", cancellationToken: Ct));
        var all = await storage.GetSessionsAsync(cancellationToken: Ct);

        Assert.True(single.IsCorruptData);
        Assert.Equal("s-2", single.RecordId);
        Assert.Equal(["s-1", "s-3"], all.Items.Select(s => s.SessionId).Order(StringComparer.Ordinal));
        Assert.Equal(Path.GetFileName(log), Assert.Single(all.UnreadableRecords).RecordId);
        Assert.True(await storage.DeleteSessionAsync("s-2", Ct));
        Assert.False(File.Exists(log));
    }

    [Fact]
    public async Task Writes_that_sweep_expired_sessions_go_on_past_a_damaged_log()
    {
        await using (var first = await ThreeSessionsAsync(expire: 3600))
        {
            await GarbleLineAsync(JsonTarget.LogPath(first, "s-2"), 1);
        }

        // A new instance sweeps on its first write.
        await using var storage = new JsonStorage(_directory, expire: 3600);
        var result = await storage.AppendRunAsync(TestRuns.Append("s-4", "r1"), Ct);

        Assert.True(result.SessionCreated);
        Assert.Equal(3, (await storage.GetSessionsAsync(cancellationToken: Ct)).Items.Count);
    }

    [Fact]
    public async Task Finding_a_run_skips_a_damaged_log_and_a_run_not_found_elsewhere_reports_it()
    {
        await using var storage = await ThreeSessionsAsync();
        await storage.AppendRunAsync(TestRuns.Append("s-3", "only-in-s-3"), Ct);
        await GarbleLineAsync(JsonTarget.LogPath(storage, "s-2"), 1);

        var found = await storage.FindRunAsync("only-in-s-3", cancellationToken: Ct);
        var missing = await Assert.ThrowsAsync<StorageException>(() => storage.FindRunAsync("nowhere", cancellationToken: Ct));

        Assert.Equal("s-3", found!.SessionId);
        Assert.True(missing.IsCorruptData);
        Assert.Equal("s-2", missing.RecordId);
    }

    [Fact]
    public async Task A_knowledge_listing_with_one_unreadable_file_returns_the_other_rows_and_reports_it()
    {
        await using var storage = new JsonStorage(_directory);
        foreach (var id in new[] { "k-1", "k-2", "k-3" })
        {
            await storage.UpsertKnowledgeContentAsync(new KnowledgeRow { Id = id, Name = $"doc {id}" }, Ct);
        }

        var path = Directory.EnumerateFiles(Path.Combine(storage.DbPath, storage.KnowledgeTable))
            .Single(p => File.ReadAllText(p).Contains("doc k-2", StringComparison.Ordinal));
        await File.WriteAllTextAsync(path, (await File.ReadAllTextAsync(path, Ct)).Replace("\"doc k-2\"", "42", StringComparison.Ordinal), Ct);

        var page = await storage.GetKnowledgeContentsAsync(cancellationToken: Ct);
        var single = await Assert.ThrowsAsync<StorageException>(() => storage.GetKnowledgeContentAsync("k-2", Ct));

        Assert.Equal(["k-1", "k-3"], page.Items.Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.Equal("k-2", Assert.Single(page.UnreadableRecords).RecordId);
        Assert.Equal(3, page.Total);
        Assert.True(single.IsCorruptData);
        Assert.Equal("k-2", single.RecordId);
    }

    /// <summary>Sessions s-1, s-2, s-3 of user u1, two runs each (a log of three lines: the header and one line per run).</summary>
    private async Task<JsonStorage> ThreeSessionsAsync(int? expire = null)
    {
        var storage = new JsonStorage(_directory, expire: expire);
        foreach (var id in new[] { "s-1", "s-2", "s-3" })
        {
            foreach (var run in new[] { "r1", "r2" })
            {
                var append = TestRuns.Append(id, run);
                append.Run.UserId = "u1";
                await storage.AppendRunAsync(append, Ct);
            }
        }

        return storage;
    }

    /// <summary>Replaces line <paramref name="index"/> (0-based) of a file with text that is not JSON, keeping the lines after it.</summary>
    private static async Task GarbleLineAsync(string path, int index)
    {
        var lines = await File.ReadAllLinesAsync(path, Ct);
        Assert.True(index < lines.Length - 1, "a line before the last one");
        lines[index] = "{ garbage";
        await File.WriteAllLinesAsync(path, lines, Ct);
    }
}
