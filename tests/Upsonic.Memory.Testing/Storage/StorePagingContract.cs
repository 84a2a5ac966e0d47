using System.Text.Json.Nodes;
using Upsonic.Storage;
using Xunit;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Storage.Testing;

/// <summary>Streaming a store in pages: heads, a session's messages and runs, profiles and knowledge rows read by keyset, and
/// written back with their original sequences and timestamps, so a store copied page by page reads the same as its source.</summary>
/// <typeparam name="TTarget">The backend's target.</typeparam>
public abstract class StorePagingContract<TTarget> : PrivacyContract<TTarget>
    where TTarget : StorageTarget, new()
{
    [Fact]
    public async Task A_store_copied_page_by_page_reads_the_same_as_its_source()
    {
        Target.RequireEngineFeature(EngineFeature.StorePaging);
        var source = await RichStoreAsync();
        var target = await CreateAsync();

        var pages = await StoreCopy.CopyAsync(source, target, pageSize: 2, Ct);

        Assert.True(pages > 10, $"The copy read {pages} pages; pages of two records should need more.");
        Assert.Equal(await StoreCopy.SnapshotAsync(source, Ct), await StoreCopy.SnapshotAsync(target, Ct));
    }

    [Fact]
    public async Task Copying_the_same_pages_again_changes_nothing()
    {
        Target.RequireEngineFeature(EngineFeature.StorePaging);
        var source = await RichStoreAsync();
        var target = await CreateAsync();
        await StoreCopy.CopyAsync(source, target, pageSize: 3, Ct);
        var once = await StoreCopy.SnapshotAsync(target, Ct);

        await StoreCopy.CopyAsync(source, target, pageSize: 2, Ct);

        Assert.Equal(once, await StoreCopy.SnapshotAsync(target, Ct));
        Assert.Equal(await StoreCopy.SnapshotAsync(source, Ct), once);
    }

    [Fact]
    public async Task A_copied_session_continues_with_the_sources_next_sequences_and_finds_its_runs()
    {
        Target.RequireEngineFeature(EngineFeature.StorePaging);
        var source = await RichStoreAsync();
        var target = await CreateAsync();
        await StoreCopy.CopyAsync(source, target, pageSize: 4, Ct);

        var onSource = await source.AppendRunAsync(Append("appended", Turn("next", "after the copy")), Ct);
        var onTarget = await target.AppendRunAsync(Append("appended", Turn("next", "after the copy")), Ct);
        var found = await target.FindRunAsync("r-p", "a1", Ct);

        Assert.Equal(onSource, onTarget);
        Assert.Equal((await source.CountSessionRowsAsync("appended", Ct))!, (await target.CountSessionRowsAsync("appended", Ct))!);
        Assert.Equal(("appended", 4L, 2), (found!.SessionId, found.Sequence, found.Messages.Count));
    }

    [Fact]
    public async Task Session_heads_come_page_by_page_each_exactly_once_without_messages_or_runs()
    {
        Target.RequireEngineFeature(EngineFeature.StorePaging);
        var storage = await CreateAsync();
        var ids = Enumerable.Range(1, 7).Select(i => $"h{i}").ToList();
        foreach (var id in ids)
        {
            await AppendTurnsAsync(storage, id, 2, "u1", ct: Ct);
        }

        await storage.UpdateSummaryAsync("h3", "the summary", 2, Ct);
        var sizes = new List<int>();
        var heads = new List<AgentSession>();
        string? cursor = null;
        do
        {
            var page = await storage.GetSessionHeadsPageAsync(cursor, 3, Ct);
            sizes.Add(page.Items.Count);
            heads.AddRange(page.Items);
            Assert.Empty(page.UnreadableRecords);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal([3, 3, 1], sizes);
        Assert.Equal(ids, heads.Select(h => h.SessionId).Order(StringComparer.Ordinal));
        Assert.All(heads, h => Assert.True(h.Messages.Count == 0 && h.Runs.Count == 0 && h.UserId == "u1" && h.CreatedAt is not null));
        var summarized = heads.Single(h => h.SessionId == "h3");
        Assert.Equal(("the summary", 2L), (summarized.Summary, summarized.SummaryWatermark));
    }

    [Fact]
    public async Task Sessions_added_or_removed_during_a_listing_never_make_it_skip_or_repeat_one_that_stayed()
    {
        Target.RequireEngineFeature(EngineFeature.StorePaging);
        var storage = await CreateAsync();
        for (var i = 1; i <= 10; i++)
        {
            await storage.UpsertSessionAsync(Session($"k{i:D2}"), Ct);
        }

        var first = await storage.GetSessionHeadsPageAsync(null, 4, Ct);
        var seen = first.Items.Select(h => h.SessionId).ToList();
        await storage.DeleteSessionAsync(seen[1], Ct);
        for (var i = 0; i < 5; i++)
        {
            await AppendTurnsAsync(storage, $"k{i:D2}-new", 1, ct: Ct);
        }

        seen.AddRange((await StoreCopy.AllAsync(c => storage.GetSessionHeadsPageAsync(c ?? first.NextCursor, 4, Ct))).Select(h => h.SessionId));

        var stayed = Enumerable.Range(1, 10).Select(i => $"k{i:D2}").Where(id => id != first.Items[1].SessionId);
        Assert.All(stayed, id => Assert.Single(seen, id));
    }

    [Fact]
    public async Task A_sessions_messages_and_runs_come_in_pages_by_sequence_with_their_original_numbers()
    {
        Target.RequireEngineFeature(EngineFeature.StorePaging);
        var storage = await RichStoreAsync();

        var messages = await PagesAsync(c => storage.GetSessionMessagesPageAsync("appended", c, 3, Ct));
        var runs = await PagesAsync(c => storage.GetSessionRunsPageAsync("appended", c, 4, Ct));

        var rows = messages.SelectMany(p => p).ToList();
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), rows.Select(r => r.Sequence));
        Assert.Equal([3, 3, 3, 3], messages.Select(p => p.Count).Where(c => c > 0));
        Assert.Equal(["delete it", "deleted"], rows.Where(r => r.RunId == "r-p").Select(r => r.Message.Text));
        Assert.Equal([4L, 4L], rows.Where(r => r.RunId == "r-p").Select(r => r.Turn));
        Assert.Equal([7L, 10L], rows.Where(r => r.RunId == "r-p").Select(r => r.Sequence));
        Assert.All(rows, r => Assert.Equal(r.RunId != "hidden", r.InHistory));
        Assert.Equal(["r1", "r2", "r3", "r-p", "r5", "hidden"], runs.SelectMany(p => p).Select(r => r.Run.RunId));
        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L], runs.SelectMany(p => p).Select(r => r.Run.Sequence));
        var paused = runs.SelectMany(p => p).Single(r => r.Run.RunId == "r-p");
        Assert.Equal((RunStatus.Completed, 2, 0), (paused.Run.Status, paused.MessageCount, paused.Run.Messages.Count));
        Assert.True(paused.Run.CreatedAt is not null && paused.Run.UpdatedAt > paused.Run.CreatedAt);
        Assert.Equal([4, 2], runs.Select(p => p.Count));
    }

    [Fact]
    public async Task Row_counts_count_messages_history_and_runs_and_are_null_for_a_missing_session()
    {
        Target.RequireEngineFeature(EngineFeature.StorePaging);
        var storage = await RichStoreAsync();

        Assert.Equal(new SessionRowCounts(12, 10, 6), await storage.CountSessionRowsAsync("appended", Ct));
        Assert.Equal(new SessionRowCounts(0, 0, 0), await storage.CountSessionRowsAsync("empty", Ct));
        Assert.Null(await storage.CountSessionRowsAsync("missing", Ct));
    }

    [Fact]
    public async Task Pages_of_a_missing_session_are_empty_and_last()
    {
        Target.RequireEngineFeature(EngineFeature.StorePaging);
        var storage = await RichStoreAsync();

        var messages = await storage.GetSessionMessagesPageAsync("missing", null, 5, Ct);
        var runs = await storage.GetSessionRunsPageAsync("missing", null, 5, Ct);

        Assert.Equal((0, (string?)null), (messages.Items.Count, messages.NextCursor));
        Assert.Equal((0, (string?)null), (runs.Items.Count, runs.NextCursor));
    }

    [Fact]
    public async Task Profiles_and_knowledge_rows_come_in_pages_each_exactly_once()
    {
        Target.RequireEngineFeature(EngineFeature.StorePaging);
        var storage = await CreateAsync();
        for (var i = 1; i <= 5; i++)
        {
            await storage.UpsertUserMemoryAsync(new UserMemory { UserId = $"u{i}", Profile = new JsonObject { ["n"] = i } }, Ct);
            await storage.UpsertKnowledgeContentAsync(new KnowledgeRow { Id = $"k{i}", Name = $"doc {i}" }, Ct);
        }

        var profiles = await PagesAsync(c => storage.GetUserMemoriesPageAsync(c, 2, Ct));
        var knowledge = await PagesAsync(c => storage.GetKnowledgeContentsPageAsync(c, 2, Ct));

        Assert.Equal([2, 2, 1], profiles.Select(p => p.Count));
        Assert.Equal(["u1", "u2", "u3", "u4", "u5"], profiles.SelectMany(p => p).Select(m => m.UserId).Order(StringComparer.Ordinal));
        Assert.Equal(3, (int)profiles.SelectMany(p => p).Single(m => m.UserId == "u3").Profile["n"]!);
        Assert.Equal([2, 2, 1], knowledge.Select(p => p.Count));
        Assert.Equal(["k1", "k2", "k3", "k4", "k5"], knowledge.SelectMany(p => p).Select(r => r.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Imports_keep_the_given_timestamps_and_give_missing_ones_the_time_of_writing()
    {
        Target.RequireEngineFeature(EngineFeature.StorePaging);
        var storage = await CreateAsync();
        var (created, updated) = (BaseTime, BaseTime.AddHours(5));
        var head = Session("imported", "u1", "a1", created);
        head.UpdatedAt = updated;
        head.Summary = "so far";
        head.SummaryWatermark = 3;
        head.Usage = Usage(10, 5);

        await storage.ImportSessionHeadAsync(head, Ct);
        await storage.ImportSessionHeadAsync(Session("fresh"), Ct);
        await storage.ImportUserMemoriesAsync([new UserMemory { UserId = "u1", Profile = RichMap(), CreatedAt = created, UpdatedAt = updated }], Ct);
        await storage.ImportKnowledgeContentsAsync([new KnowledgeRow { Id = "k1", Name = "doc", Metadata = RichMap(), CreatedAt = created, UpdatedAt = updated }], Ct);

        var read = await storage.GetSessionAsync("imported", cancellationToken: Ct);
        var profile = await storage.GetUserMemoryAsync("u1", cancellationToken: Ct);
        var row = await storage.GetKnowledgeContentAsync("k1", Ct);
        Assert.Equal((created, updated, "so far", 3L, 15L), (read!.CreatedAt, read.UpdatedAt, read.Summary, read.SummaryWatermark, read.Usage!.TotalTokenCount));
        Assert.Equal((created, updated), (profile!.CreatedAt, profile.UpdatedAt));
        SameJson(RichMap(), profile.Profile);
        Assert.Equal((created, updated), (row!.CreatedAt, row.UpdatedAt));
        var fresh = await storage.GetSessionAsync("fresh", cancellationToken: Ct);
        Assert.True(fresh!.CreatedAt > BaseTime && fresh.UpdatedAt > BaseTime);
    }

    [Fact]
    public async Task Importing_a_head_again_replaces_its_fields_and_keeps_the_sessions_rows()
    {
        Target.RequireEngineFeature(EngineFeature.StorePaging);
        var storage = await CreateAsync();
        await AppendTurnsAsync(storage, "s1", 3, ct: Ct);
        var head = (await storage.GetSessionHeadsPageAsync(null, 10, Ct)).Items.Single();
        head.Summary = "imported summary";
        head.SummaryWatermark = 2;

        await storage.ImportSessionHeadAsync(head, Ct);

        var window = await storage.LoadSessionWindowAsync("s1", null, Ct);
        Assert.Equal(("imported summary", 2L, head.UpdatedAt), (window!.Session.Summary, window.Session.SummaryWatermark, window.Session.UpdatedAt));
        Assert.Equal(3, window.Turns.Count);
        Assert.Equal(new SessionRowCounts(6, 6, 3), await storage.CountSessionRowsAsync("s1", Ct));
        Assert.Equal(4, (await storage.AppendRunAsync(Append("s1", Turn("r4", "q4")), Ct)).Sequence);
    }

    [Fact]
    public async Task Importing_messages_into_a_session_makes_a_mark_held_from_before_read_the_full_window_with_them()
    {
        Target.RequireEngineFeature(EngineFeature.StorePaging);
        var storage = await CreateAsync();
        await AppendTurnsAsync(storage, "s1", 2, ct: Ct);
        var request = new SessionWindowRequest { SessionId = "s1", HistoryTurns = 10 };
        var first = await storage.LoadSessionWindowAsync(request, Ct);
        var replaced = (await storage.GetSessionMessagesPageAsync("s1", null, 10, Ct)).Items[1];

        // The import replaces a row at a sequence the mark already covers: a read of what is newer than the mark would miss it.
        Assert.True(await storage.ImportSessionMessagesAsync("s1", [replaced with { Message = Assistant("imported answer") }], Ct));
        var next = await storage.LoadSessionWindowAsync(request with { Since = first!.Mark }, Ct);

        Assert.False(next!.IsIncremental);
        Assert.Equal(["q1", "imported answer", "q2", "answer to q2"], next.Turns.SelectMany(t => t.Messages).Select(m => m.Text));
    }

    [Fact]
    public async Task Importing_rows_into_a_session_that_does_not_exist_writes_nothing()
    {
        Target.RequireEngineFeature(EngineFeature.StorePaging);
        var storage = await CreateAsync();

        var messages = await storage.ImportSessionMessagesAsync("ghost", [new SessionMessageRow(1, 1, "r1", true, User("hi"))], Ct);
        var runs = await storage.ImportSessionRunsAsync("ghost", [new SessionRunRow(Run("r1"), 1) { Run = { Sequence = 1 } }], Ct);
        var none = await storage.ImportSessionRunsAsync("ghost", [], Ct);

        Assert.Equal((false, false, false), (messages, runs, none));
        Assert.Null(await storage.CountSessionRowsAsync("ghost", Ct));
        Assert.Null(await storage.GetSessionAsync("ghost", cancellationToken: Ct));
    }

    [Fact]
    public async Task A_corrupt_message_is_reported_in_its_page_and_the_other_rows_are_read()
    {
        Target.RequireEngineFeature(EngineFeature.StorePaging);
        var storage = await CreateAsync();
        await AppendTurnsAsync(storage, "broken", 2, ct: Ct);
        await Target.CorruptMessageAsync(storage, "broken", 3);

        var whole = await storage.GetSessionMessagesPageAsync("broken", null, 10, Ct);
        var first = await storage.GetSessionMessagesPageAsync("broken", null, 3, Ct);
        var second = await storage.GetSessionMessagesPageAsync("broken", first.NextCursor, 3, Ct);

        Assert.Equal([1L, 2L, 4L], whole.Items.Select(r => r.Sequence));
        var error = Assert.Single(whole.UnreadableRecords);
        Assert.True(error.IsCorruptData);
        Assert.Contains("broken", error.Message, StringComparison.Ordinal);
        Assert.Null(whole.NextCursor);
        Assert.Equal([1L, 2L], first.Items.Select(r => r.Sequence));
        Assert.Single(first.UnreadableRecords);
        Assert.Equal([4L], second.Items.Select(r => r.Sequence));
    }

    [Fact]
    public async Task Bad_page_sizes_and_cursors_are_rejected_naming_the_parameter()
    {
        Target.RequireEngineFeature(EngineFeature.StorePaging);
        var storage = await RichStoreAsync();
        var sessionsCursor = (await storage.GetSessionHeadsPageAsync(null, 1, Ct)).NextCursor;
        var messagesCursor = (await storage.GetSessionMessagesPageAsync("appended", null, 1, Ct)).NextCursor;
        Assert.NotNull(sessionsCursor);

        foreach (var size in new[] { 0, -1, StorageArguments.MaxPageSize + 1 })
        {
            foreach (var call in new Func<Task>[]
            {
                () => storage.GetSessionHeadsPageAsync(null, size, Ct),
                () => storage.GetSessionMessagesPageAsync("appended", null, size, Ct),
                () => storage.GetSessionRunsPageAsync("appended", null, size, Ct),
                () => storage.GetUserMemoriesPageAsync(null, size, Ct),
                () => storage.GetKnowledgeContentsPageAsync(null, size, Ct),
            })
            {
                Assert.Equal("pageSize", (await Assert.ThrowsAnyAsync<ArgumentException>(call)).ParamName);
            }
        }

        foreach (var call in new Func<Task>[]
        {
            () => storage.GetSessionHeadsPageAsync("not a cursor", 5, Ct),
            () => storage.GetSessionHeadsPageAsync("sessions.x.aGk", 5, Ct),
            () => storage.GetSessionHeadsPageAsync(messagesCursor, 5, Ct),
            () => storage.GetUserMemoriesPageAsync(sessionsCursor, 5, Ct),
            () => storage.GetKnowledgeContentsPageAsync(sessionsCursor, 5, Ct),
            () => storage.GetSessionRunsPageAsync("appended", messagesCursor, 5, Ct),
            () => storage.GetSessionMessagesPageAsync("whole", messagesCursor, 5, Ct),
        })
        {
            Assert.Equal("cursor", (await Assert.ThrowsAnyAsync<ArgumentException>(call)).ParamName);
        }
    }

    [Fact]
    public async Task Bad_imports_are_rejected_naming_the_parameter_before_anything_is_written()
    {
        Target.RequireEngineFeature(EngineFeature.StorePaging);
        var storage = await CreateAsync();
        await storage.ImportSessionHeadAsync(Session("s1"), Ct);
        var withMessages = Session("s2");
        withMessages.Messages.Add(User("hi"));
        SessionMessageRow Row(long sequence) => new(sequence, 1, null, true, User($"m{sequence}"));
        SessionRunRow RunRow(string id, long sequence, int count = 0) => new(new RunRecord { RunId = id, Sequence = sequence }, count);
        var runWithMessages = RunRow("r1", 1);
        runWithMessages.Run.Messages.Add(User("hi"));
        var otherSessions = RunRow("r1", 1);
        otherSessions.Run.SessionId = "other";

        Assert.Equal("session", (await Assert.ThrowsAnyAsync<ArgumentException>(() => storage.ImportSessionHeadAsync(withMessages, Ct))).ParamName);
        foreach (var rows in new IReadOnlyList<SessionMessageRow>[]
        {
            [Row(1), Row(1)], [Row(0)], [Row(1) with { Turn = -1 }], [Row(1) with { Message = null! }], [Row(1), null!],
            [Row(1) with { RunId = " " }], Enumerable.Range(1, StorageArguments.MaxPageSize + 1).Select(i => Row(i)).ToList(),
        })
        {
            Assert.Equal("messages", (await Assert.ThrowsAnyAsync<ArgumentException>(() => storage.ImportSessionMessagesAsync("s1", rows, Ct))).ParamName);
        }

        foreach (var runs in new IReadOnlyList<SessionRunRow>[]
        {
            [runWithMessages], [otherSessions], [RunRow("r1", 1), RunRow("r1", 2)], [RunRow("r1", 1), RunRow("r2", 1)], [RunRow("r1", 0)],
            [RunRow("r1", 1, count: -1)], [RunRow(" ", 1)], [null!],
        })
        {
            Assert.Equal("runs", (await Assert.ThrowsAnyAsync<ArgumentException>(() => storage.ImportSessionRunsAsync("s1", runs, Ct))).ParamName);
        }

        var twice = new UserMemory { UserId = "u1" };
        Assert.Equal("userMemories", (await Assert.ThrowsAnyAsync<ArgumentException>(() => storage.ImportUserMemoriesAsync([twice, twice], Ct))).ParamName);
        var row = new KnowledgeRow { Id = "k1", Name = "doc" };
        Assert.Equal("rows", (await Assert.ThrowsAnyAsync<ArgumentException>(() => storage.ImportKnowledgeContentsAsync([row, row], Ct))).ParamName);
        Assert.Equal("sessionId", (await Assert.ThrowsAnyAsync<ArgumentException>(() => storage.ImportSessionMessagesAsync(" ", [Row(1)], Ct))).ParamName);

        Assert.Equal(new SessionRowCounts(0, 0, 0), await storage.CountSessionRowsAsync("s1", Ct));
        Assert.Null(await storage.GetUserMemoryAsync("u1", cancellationToken: Ct));
        Assert.Null(await storage.GetKnowledgeContentAsync("k1", Ct));
    }

    [Fact]
    public async Task The_schema_report_after_creation_names_the_expected_version_and_finds_every_object()
    {
        Target.RequireEngineFeature(EngineFeature.StorePaging);
        Target.RequireEngineFeature(EngineFeature.TableListing);
        var storage = await CreateAsync();
        await storage.EnsureCreatedAsync(Ct);

        var report = await storage.DescribeSchemaAsync(Ct);

        Assert.True(report.IsComplete, string.Join(", ", report.Objects.Where(o => !o.Exists).Select(o => $"{o.Kind} {o.Name} missing")));
        Assert.Equal(report.ExpectedSchemaVersion, report.SchemaVersion);
    }

    /// <summary>Every page of a listing, each as its list of items.</summary>
    private static async Task<List<List<T>>> PagesAsync<T>(Func<string?, Task<StorePage<T>>> read)
    {
        var pages = new List<List<T>>();
        string? cursor = null;
        do
        {
            var page = await read(cursor);
            pages.Add([.. page.Items]);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return pages;
    }

    /// <summary>
    /// A store with every shape a copy must keep: a session written whole through the record API (history without runs, rich
    /// content and maps, a summary), a session of appended runs (a paused run completed after a later run, so its messages are
    /// not contiguous, and a run kept out of history), an empty head, ids that need escaping, profiles and knowledge rows.
    /// </summary>
    private async Task<IStorage> RichStoreAsync()
    {
        var storage = await CreateAsync();
        var whole = Session("whole", "u1", "a1", BaseTime);
        whole.Messages = RichMessages();
        whole.Runs = [Run("w-r1", usage: Usage(3, 4), messages: [User("x"), Assistant("y")])];
        whole.Metadata = RichMap();
        whole.SessionData = new JsonObject { ["state"] = "open" };
        whole.Summary = "a summary";
        whole.SummaryWatermark = 1;
        whole.Usage = Usage(3, 4);
        await storage.UpsertSessionAsync(whole, Ct);

        await AppendTurnsAsync(storage, "appended", 3, "u1", "a1", Ct);
        await storage.AppendRunAsync(Append("appended", Run("r-p", RunStatus.Paused, "u1", "a1", Usage(6, 4), User("delete it"))), Ct);
        await storage.AppendRunAsync(Append("appended", Turn("r5", "q5", "u1", "a1")), Ct);
        NextMillisecond();
        await storage.AppendRunAsync(Append("appended", Run("r-p", RunStatus.Completed, "u1", "a1", Usage(9, 6), User("delete it"), Assistant("deleted"))), Ct);
        await storage.AppendRunAsync(Append("appended", Turn("hidden", "not in history", "u1", "a1"), addToHistory: false, agentName: "Helper"), Ct);
        await storage.UpdateSummaryAsync("appended", "summary of four turns", 4, Ct);
        await storage.MergeSessionMetadataAsync("appended", new JsonObject { ["topic"] = "deletion" }, Ct);
        await storage.UpsertSessionAsync(Session("empty", "u2"), Ct);
        foreach (var kind in new[] { "quotes", "sql", "separators", "unicode" })
        {
            await AppendTurnsAsync(storage, Literal(kind), 1, Literal(kind), ct: Ct);
        }

        await storage.UpdateUserProfileAsync(new ProfileUpdate { UserId = "u1", Traits = RichMap(), AgentId = "a1" }, Ct);
        await storage.UpsertUserMemoryAsync(new UserMemory { UserId = Literal("unicode"), Profile = new JsonObject { ["name"] = "Ada" } }, Ct);
        await storage.UpsertKnowledgeContentAsync(new KnowledgeRow { Id = "k1", Name = "handbook", Metadata = RichMap(), KnowledgeBaseId = "kb", ChunkCount = 3 }, Ct);
        await storage.UpsertKnowledgeContentAsync(new KnowledgeRow { Id = Literal("sql"), Name = "faq", Size = 10 }, Ct);
        return storage;
    }
}
