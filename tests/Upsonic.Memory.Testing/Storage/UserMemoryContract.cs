using System.Text.Json.Nodes;
using Upsonic.Storage;
using Xunit;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Storage.Testing;

/// <summary>The user-memory record API: one profile row per user, upsert, get, list, delete.</summary>
/// <typeparam name="TTarget">The backend's target.</typeparam>
public abstract class UserMemoryContract<TTarget> : SessionListingContract<TTarget>
    where TTarget : StorageTarget, new()
{
    [Fact]
    public async Task Upsert_returns_the_stored_profile_with_its_timestamps()
    {
        var storage = await CreateAsync();

        var stored = await storage.UpsertUserMemoryAsync(Memory("u1", RichMap(), "a1", "t1"), Ct);
        var read = await storage.GetUserMemoryAsync("u1", cancellationToken: Ct);

        foreach (var m in new[] { stored, read! })
        {
            Assert.Equal(("u1", "a1", "t1"), (m.UserId, m.AgentId, m.TeamId));
            SameJson(RichMap(), m.Profile);
            Assert.NotNull(m.CreatedAt);
            Assert.NotNull(m.UpdatedAt);
        }
    }

    [Fact]
    public async Task Re_upsert_replaces_the_profile_keeps_created_at_and_advances_updated_at()
    {
        var storage = await CreateAsync();
        var first = await storage.UpsertUserMemoryAsync(Memory("u1", new JsonObject { ["name"] = "Ann", ["city"] = "Oslo" }), Ct);
        NextMillisecond();

        await storage.UpsertUserMemoryAsync(Memory("u1", new JsonObject { ["name"] = "Ann B." }), Ct);
        var read = await storage.GetUserMemoryAsync("u1", cancellationToken: Ct);

        SameJson(new JsonObject { ["name"] = "Ann B." }, read!.Profile);
        Assert.Equal(first.CreatedAt, read.CreatedAt);
        Assert.True(read.UpdatedAt > first.UpdatedAt);
    }

    [Fact]
    public async Task An_empty_profile_round_trips_as_an_empty_map()
    {
        var storage = await CreateAsync();
        await storage.UpsertUserMemoryAsync(Memory("u1", []), Ct);
        SameJson(new JsonObject(), (await storage.GetUserMemoryAsync("u1", cancellationToken: Ct))!.Profile);
    }

    [Fact]
    public async Task There_is_one_row_per_user_whatever_the_agent()
    {
        var storage = await CreateAsync();
        await storage.UpsertUserMemoryAsync(Memory("u1", new JsonObject { ["a"] = 1 }, "agent-1"), Ct);
        await storage.UpsertUserMemoryAsync(Memory("u1", new JsonObject { ["b"] = 2 }, "agent-2"), Ct);

        var all = await storage.GetUserMemoriesAsync(cancellationToken: Ct);

        Assert.Equal(1, all.Total);
        Assert.Equal("agent-2", all.Items[0].AgentId);
    }

    [Fact]
    public async Task Get_with_a_user_id_applies_the_agent_and_team_filters()
    {
        var storage = await CreateAsync();
        await storage.UpsertUserMemoryAsync(Memory("u1", [], "a1", "t1"), Ct);

        Assert.NotNull(await storage.GetUserMemoryAsync("u1", "a1", "t1", Ct));
        Assert.Null(await storage.GetUserMemoryAsync("u1", agentId: "a2", cancellationToken: Ct));
        Assert.Null(await storage.GetUserMemoryAsync("u1", teamId: "t2", cancellationToken: Ct));
        Assert.Null(await storage.GetUserMemoryAsync("missing", cancellationToken: Ct));
    }

    [Fact]
    public async Task Get_without_a_user_id_returns_the_most_recently_updated_match()
    {
        var storage = await CreateAsync();
        Assert.Null(await storage.GetUserMemoryAsync(cancellationToken: Ct));
        await storage.UpsertUserMemoryAsync(Memory("u-a", [], "a1"), Ct);
        NextMillisecond();
        await storage.UpsertUserMemoryAsync(Memory("u-b", [], "a1"), Ct);
        NextMillisecond();
        await storage.UpsertUserMemoryAsync(Memory("u-c", [], "a2"), Ct);

        Assert.Equal("u-c", (await storage.GetUserMemoryAsync(cancellationToken: Ct))!.UserId);
        Assert.Equal("u-b", (await storage.GetUserMemoryAsync(agentId: "a1", cancellationToken: Ct))!.UserId);
    }

    [Fact]
    public async Task Listing_is_newest_updated_first_with_filters_paging_and_total()
    {
        var storage = await CreateAsync();
        for (var i = 0; i < 6; i++)
        {
            NextMillisecond();
            await storage.UpsertUserMemoryAsync(Memory($"u{i}", [], i % 2 == 0 ? "a-even" : "a-odd", "t1"), Ct);
        }

        Assert.Equal(["u5", "u4", "u3", "u2", "u1", "u0"], UserIds(await storage.GetUserMemoriesAsync(cancellationToken: Ct)));
        Assert.Equal(["u4", "u2", "u0"], UserIds(await storage.GetUserMemoriesAsync(new() { AgentId = "a-even" }, Ct)));
        Assert.Equal(6, (await storage.GetUserMemoriesAsync(new() { TeamId = "t1" }, Ct)).Total);
        Assert.Equal(["u5", "u4", "u3"], UserIds(await storage.GetUserMemoriesAsync(new() { Limit = 3 }, Ct)));
        Assert.Equal(["u2", "u1"], UserIds(await storage.GetUserMemoriesAsync(new() { Limit = 2, Offset = 3 }, Ct)));
        Assert.Equal(["u1", "u0"], UserIds(await storage.GetUserMemoriesAsync(new() { Offset = 4 }, Ct)));
        var past = await storage.GetUserMemoriesAsync(new() { Offset = 10 }, Ct);
        Assert.Empty(past.Items);
        Assert.Equal(6, past.Total);
    }

    [Fact]
    public async Task Listing_by_ids_returns_exactly_those_and_an_empty_list_matches_nothing()
    {
        var storage = await CreateAsync();
        await storage.UpsertUserMemoriesAsync(Enumerable.Range(0, 5).Select(i => Memory($"u{i}", [])), Ct);

        Assert.Equal(["u1", "u3", "u4"], UserIds(await storage.GetUserMemoriesAsync(new() { UserIds = ["u1", "u3", "u4", "nobody"] }, Ct)).Order());
        Assert.Equal(0, (await storage.GetUserMemoriesAsync(new() { UserIds = [] }, Ct)).Total);
        Assert.Equal(0, (await storage.GetUserMemoriesAsync(new() { UserIds = ["nobody"] }, Ct)).Total);
    }

    [Fact]
    public async Task Bulk_upsert_returns_every_profile_in_input_order()
    {
        var storage = await CreateAsync();
        var stored = await storage.UpsertUserMemoriesAsync(Enumerable.Range(0, 5).Select(i => Memory($"u{i}", new JsonObject { ["i"] = i })), Ct);

        Assert.Equal(["u0", "u1", "u2", "u3", "u4"], stored.Select(m => m.UserId));
        Assert.Empty(await storage.UpsertUserMemoriesAsync([], Ct));
        Assert.Equal(5, (await storage.GetUserMemoriesAsync(cancellationToken: Ct)).Total);
    }

    [Fact]
    public async Task Bulk_upsert_with_an_empty_user_id_writes_nothing()
    {
        var storage = await CreateAsync();
        var ex = await Assert.ThrowsAnyAsync<ArgumentException>(() => storage.UpsertUserMemoriesAsync([Memory("u1", []), Memory(" ", [])], Ct));
        Assert.Equal("userMemories", ex.ParamName);
        Assert.Equal(0, (await storage.GetUserMemoriesAsync(cancellationToken: Ct)).Total);
    }

    [Fact]
    public async Task Delete_returns_whether_the_profile_existed_and_keeps_the_others()
    {
        var storage = await CreateAsync();
        await storage.UpsertUserMemoriesAsync(Enumerable.Range(0, 5).Select(i => Memory($"u{i}", [])), Ct);

        Assert.True(await storage.DeleteUserMemoryAsync("u0", Ct));
        Assert.False(await storage.DeleteUserMemoryAsync("u0", Ct));
        Assert.Equal(2, await storage.DeleteUserMemoriesAsync(["u1", "u2"], Ct));
        Assert.Equal(1, await storage.DeleteUserMemoriesAsync(["u3", "missing"], Ct));
        Assert.Equal(["u4"], UserIds(await storage.GetUserMemoriesAsync(cancellationToken: Ct)));
    }

    [Fact]
    public async Task A_hundred_profiles_are_all_listed_and_counted()
    {
        var storage = await CreateAsync();
        await storage.UpsertUserMemoriesAsync(Enumerable.Range(0, 100).Select(i => Memory($"user-{i:000}", new JsonObject { ["i"] = i })), Ct);
        var all = await storage.GetUserMemoriesAsync(cancellationToken: Ct);
        Assert.Equal(100, all.Total);
        Assert.Equal(100, all.Items.Select(m => m.UserId).Distinct().Count());
    }

    private static UserMemory Memory(string userId, JsonObject profile, string? agentId = null, string? teamId = null) =>
        new() { UserId = userId, Profile = profile, AgentId = agentId, TeamId = teamId };

    private static List<string> UserIds(PagedResult<UserMemory> page) => page.Items.Select(m => m.UserId).ToList();
}
