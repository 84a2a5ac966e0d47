using Upsonic.Storage;

namespace Upsonic.Memory.Tests.Storage.Backends;

public sealed class RecordOrderingTests
{
    private static readonly DateTimeOffset T0 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly (string Id, DateTimeOffset? Key)[] Items =
    [
        ("b", T0.AddMinutes(1)), ("a", T0.AddMinutes(1)), ("c", T0.AddMinutes(2)), ("none", null), ("d", T0),
    ];

    private static List<string> Order(SortOrder order, int? limit = null, int? offset = null) =>
        RecordOrdering.Page(Items, i => i.Key, i => i.Id, order, limit, offset).Items.Select(i => i.Id).ToList();

    [Fact]
    public void Descending_puts_the_newest_first_ties_by_id_and_null_keys_last() =>
        Assert.Equal(["c", "a", "b", "d", "none"], Order(SortOrder.Descending));

    [Fact]
    public void Ascending_puts_null_keys_first_and_still_breaks_ties_by_id_ascending() =>
        Assert.Equal(["none", "d", "a", "b", "c"], Order(SortOrder.Ascending));

    [Fact]
    public void Offset_applies_without_a_limit() => Assert.Equal(["d", "none"], Order(SortOrder.Descending, offset: 3));

    [Fact]
    public void Limit_and_offset_page_after_sorting() => Assert.Equal(["a", "b"], Order(SortOrder.Descending, limit: 2, offset: 1));

    [Fact]
    public void The_total_counts_every_match_even_on_an_empty_page()
    {
        var page = RecordOrdering.Page(Items, i => i.Key, i => i.Id, SortOrder.Descending, 5, 50);
        Assert.Empty(page.Items);
        Assert.Equal(5, page.Total);
    }

    [Fact]
    public void Updated_at_falls_back_to_created_at()
    {
        var session = new AgentSession { SessionId = "s", CreatedAt = T0 };
        Assert.Equal(T0, RecordOrdering.SessionKey(session, RecordSortField.UpdatedAt));
        session.UpdatedAt = T0.AddDays(1);
        Assert.Equal(T0.AddDays(1), RecordOrdering.SessionKey(session, RecordSortField.UpdatedAt));
        Assert.Equal(T0, RecordOrdering.SessionKey(session, RecordSortField.CreatedAt));
    }

    [Fact]
    public void Session_filters_combine_with_and_and_an_empty_id_list_matches_nothing()
    {
        var session = new AgentSession { SessionId = "s1", UserId = "u1", AgentId = "a1" };
        Assert.True(RecordOrdering.Matches(session, new SessionQuery()));
        Assert.True(RecordOrdering.Matches(session, new SessionQuery { SessionIds = ["s1"], UserId = "u1", AgentId = "a1", SessionType = SessionType.Agent }));
        Assert.False(RecordOrdering.Matches(session, new SessionQuery { SessionIds = [] }));
        Assert.False(RecordOrdering.Matches(session, new SessionQuery { UserId = "u1", AgentId = "a2" }));
        Assert.False(RecordOrdering.Matches(session, new SessionQuery { SessionType = SessionType.Team }));
    }

    [Fact]
    public void User_memory_filters_combine_with_and()
    {
        var memory = new UserMemory { UserId = "u1", AgentId = "a1", TeamId = "t1" };
        Assert.True(RecordOrdering.Matches(memory, new UserMemoryQuery { UserIds = ["u1"], AgentId = "a1", TeamId = "t1" }));
        Assert.False(RecordOrdering.Matches(memory, new UserMemoryQuery { UserIds = [] }));
        Assert.False(RecordOrdering.Matches(memory, new UserMemoryQuery { TeamId = "t2" }));
    }

    [Theory]
    [InlineData(null, null, null)]
    [InlineData(null, 3, null)]
    [InlineData(10, null, 0)]
    [InlineData(10, 1, 0)]
    [InlineData(2, 3, 4)]
    public void Knowledge_pages_are_one_based(int? limit, int? page, int? expectedOffset) =>
        Assert.Equal(expectedOffset, RecordOrdering.KnowledgeOffset(new KnowledgeQuery { Limit = limit, Page = page }));

    [Theory]
    [InlineData(0, null)]
    [InlineData(-1, null)]
    [InlineData(null, 0)]
    [InlineData(5, -2)]
    public void Non_positive_knowledge_limits_and_pages_are_rejected(int? limit, int? page)
    {
        var ex = Assert.Throws<ArgumentException>(() => RecordOrdering.Validate(new KnowledgeQuery { Limit = limit, Page = page }, "query"));
        Assert.Equal("query", ex.ParamName);
    }
}
