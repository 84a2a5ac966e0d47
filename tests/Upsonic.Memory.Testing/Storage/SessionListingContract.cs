using System.Text.Json.Nodes;
using Upsonic.Storage;
using Xunit;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Storage.Testing;

/// <summary>
/// The one listing behaviour of <see cref="IStorage.GetSessionsAsync"/> on every backend: filters, ordering, ties, paging and totals.
/// </summary>
/// <remarks>The seed is ten sessions s00..s09 created one minute apart; even ones belong to user u-even and agent a-even.</remarks>
/// <typeparam name="TTarget">The backend's target.</typeparam>
public abstract class SessionListingContract<TTarget> : SessionRecordContract<TTarget>
    where TTarget : StorageTarget, new()
{
    private static readonly string[] Newest = ["s09", "s08", "s07", "s06", "s05", "s04", "s03", "s02", "s01", "s00"];

    [Fact]
    public async Task The_default_order_is_newest_created_first_with_the_total()
    {
        var storage = await SeededAsync();
        var page = await storage.GetSessionsAsync(cancellationToken: Ct);
        Assert.Equal(Newest, Ids(page));
        Assert.Equal(10, page.Total);
    }

    [Fact]
    public async Task A_null_query_lists_everything()
    {
        var storage = await SeededAsync();
        Assert.Equal(Newest, Ids(await storage.GetSessionsAsync(null, Ct)));
    }

    [Fact]
    public async Task Sorting_by_created_at_ascending_gives_oldest_first()
    {
        var storage = await SeededAsync();
        var page = await storage.GetSessionsAsync(new() { SortBy = RecordSortField.CreatedAt, SortOrder = SortOrder.Ascending }, Ct);
        Assert.Equal(Newest.Reverse(), Ids(page));
    }

    [Fact]
    public async Task Sorting_by_updated_at_follows_the_last_write_in_both_directions()
    {
        var storage = await SeededAsync();
        foreach (var id in new[] { "s03", "s07", "s01" })
        {
            NextMillisecond();
            await storage.MergeSessionMetadataAsync(id, new JsonObject { ["touched"] = true }, Ct);
        }

        var desc = await storage.GetSessionsAsync(new() { SortBy = RecordSortField.UpdatedAt }, Ct);
        var asc = await storage.GetSessionsAsync(new() { SortBy = RecordSortField.UpdatedAt, SortOrder = SortOrder.Ascending }, Ct);

        Assert.Equal(["s01", "s07", "s03"], Ids(desc).Take(3));
        Assert.Equal(["s03", "s07", "s01"], Ids(asc).TakeLast(3));
        Assert.Equal(desc.Items.Select(s => s.UpdatedAt).OrderDescending(), desc.Items.Select(s => s.UpdatedAt));
    }

    [Fact]
    public async Task Ties_are_broken_by_id_ascending_in_both_directions()
    {
        var storage = await CreateAsync();
        await storage.UpsertSessionsAsync([Session("t-c", createdAt: BaseTime), Session("t-a", createdAt: BaseTime), Session("t-b", createdAt: BaseTime)], Ct);

        Assert.Equal(["t-a", "t-b", "t-c"], Ids(await storage.GetSessionsAsync(cancellationToken: Ct)));
        Assert.Equal(["t-a", "t-b", "t-c"], Ids(await storage.GetSessionsAsync(new() { SortOrder = SortOrder.Ascending }, Ct)));
    }

    [Fact]
    public async Task Null_ids_mean_no_filter()
    {
        var storage = await SeededAsync();
        Assert.Equal(10, (await storage.GetSessionsAsync(new() { SessionIds = null }, Ct)).Total);
    }

    [Fact]
    public async Task An_empty_id_list_matches_nothing()
    {
        var storage = await SeededAsync();
        var page = await storage.GetSessionsAsync(new() { SessionIds = [] }, Ct);
        Assert.Empty(page.Items);
        Assert.Equal(0, page.Total);
    }

    [Fact]
    public async Task An_id_list_returns_exactly_those_sessions_in_the_listing_order()
    {
        var storage = await SeededAsync();
        var page = await storage.GetSessionsAsync(new() { SessionIds = ["s02", "s08", "s05", "unknown"] }, Ct);
        Assert.Equal(["s08", "s05", "s02"], Ids(page));
        Assert.Equal(3, page.Total);
    }

    [Fact]
    public async Task Unknown_ids_give_no_sessions()
    {
        var storage = await SeededAsync();
        var page = await storage.GetSessionsAsync(new() { SessionIds = ["nope-1", "nope-2"] }, Ct);
        Assert.Empty(page.Items);
        Assert.Equal(0, page.Total);
    }

    [Fact]
    public async Task Filters_combine_with_and()
    {
        var storage = await SeededAsync();
        await storage.UpsertSessionAsync(Session("team-even", "u-even", "a-even", BaseTime.AddHours(1), SessionType.Team), Ct);

        Assert.Equal(["s08", "s06", "s04", "s02", "s00"], Ids(await storage.GetSessionsAsync(new() { UserId = "u-even", SessionType = SessionType.Agent }, Ct)));
        Assert.Equal(["s09", "s07"], Ids(await storage.GetSessionsAsync(new() { AgentId = "a-odd", SessionIds = ["s09", "s07", "s08"] }, Ct)));
        Assert.Equal(["team-even"], Ids(await storage.GetSessionsAsync(new() { UserId = "u-even", SessionType = SessionType.Team }, Ct)));
        Assert.Empty((await storage.GetSessionsAsync(new() { UserId = "u-even", AgentId = "a-odd" }, Ct)).Items);
    }

    [Fact]
    public async Task Filters_with_an_unknown_or_empty_value_match_nothing()
    {
        var storage = await SeededAsync();
        Assert.Equal(0, (await storage.GetSessionsAsync(new() { UserId = "nobody" }, Ct)).Total);
        Assert.Equal(0, (await storage.GetSessionsAsync(new() { UserId = "" }, Ct)).Total);
    }

    [Fact]
    public async Task A_limit_takes_the_first_items_and_the_total_counts_all()
    {
        var storage = await SeededAsync();
        var page = await storage.GetSessionsAsync(new() { Limit = 3 }, Ct);
        Assert.Equal(["s09", "s08", "s07"], Ids(page));
        Assert.Equal(10, page.Total);
    }

    [Fact]
    public async Task A_limit_of_zero_gives_no_items_but_the_total()
    {
        var storage = await SeededAsync();
        var page = await storage.GetSessionsAsync(new() { Limit = 0 }, Ct);
        Assert.Empty(page.Items);
        Assert.Equal(10, page.Total);
    }

    [Fact]
    public async Task An_offset_with_a_limit_skips_then_takes()
    {
        var storage = await SeededAsync();
        var page = await storage.GetSessionsAsync(new() { Limit = 2, Offset = 3 }, Ct);
        Assert.Equal(["s06", "s05"], Ids(page));
        Assert.Equal(10, page.Total);
    }

    [Fact]
    public async Task An_offset_without_a_limit_skips_and_returns_the_rest()
    {
        var storage = await SeededAsync();
        var page = await storage.GetSessionsAsync(new() { Offset = 7 }, Ct);
        Assert.Equal(["s02", "s01", "s00"], Ids(page));
        Assert.Equal(10, page.Total);
    }

    [Fact]
    public async Task An_offset_past_the_end_gives_no_items_but_the_correct_total()
    {
        var storage = await SeededAsync();
        var page = await storage.GetSessionsAsync(new() { Offset = 20, Limit = 5 }, Ct);
        Assert.Empty(page.Items);
        Assert.Equal(10, page.Total);
    }

    [Fact]
    public async Task Paging_applies_after_filters_and_ordering()
    {
        var storage = await SeededAsync();
        var page = await storage.GetSessionsAsync(new() { UserId = "u-odd", SortOrder = SortOrder.Ascending, Limit = 2, Offset = 1 }, Ct);
        Assert.Equal(["s03", "s05"], Ids(page));
        Assert.Equal(5, page.Total);
    }

    [Fact]
    public async Task Listed_sessions_are_whole_with_their_history_and_runs()
    {
        var storage = await SeededAsync();
        await AppendTurnsAsync(storage, "s04", 2, ct: Ct);

        var listed = (await storage.GetSessionsAsync(new() { SessionIds = ["s04"] }, Ct)).Items.Single();

        Assert.Equal(["q1", "answer to q1", "q2", "answer to q2"], listed.Messages.Select(m => m.Text));
        Assert.Equal(["r1", "r2"], listed.Runs.Select(r => r.RunId));
        Assert.Equal(["q2", "answer to q2"], listed.Runs[1].Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task A_hundred_sessions_are_all_listed_and_counted()
    {
        var storage = await CreateAsync();
        await storage.UpsertSessionsAsync(Enumerable.Range(0, 100).Select(i => Session($"bulk-{i:000}", createdAt: BaseTime.AddSeconds(i))), Ct);

        var page = await storage.GetSessionsAsync(cancellationToken: Ct);

        Assert.Equal(100, page.Total);
        Assert.Equal(100, page.Items.Select(s => s.SessionId).Distinct().Count());
        Assert.Equal("bulk-099", page.Items[0].SessionId);
    }

    [Fact]
    public async Task Negative_paging_values_are_rejected()
    {
        var storage = await CreateAsync();
        Assert.Equal("query", (await Assert.ThrowsAnyAsync<ArgumentException>(() => storage.GetSessionsAsync(new() { Limit = -1 }, Ct))).ParamName);
        Assert.Equal("query", (await Assert.ThrowsAnyAsync<ArgumentException>(() => storage.GetSessionsAsync(new() { Offset = -1 }, Ct))).ParamName);
    }

    private async Task<IStorage> SeededAsync()
    {
        var storage = await CreateAsync();
        await storage.UpsertSessionsAsync(
            Enumerable.Range(0, 10).Select(i => Session(
                $"s{i:00}",
                i % 2 == 0 ? "u-even" : "u-odd",
                i % 2 == 0 ? "a-even" : "a-odd",
                BaseTime.AddMinutes(i))),
            Ct);
        return storage;
    }
}
