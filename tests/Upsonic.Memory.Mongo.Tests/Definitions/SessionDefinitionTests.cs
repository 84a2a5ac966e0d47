using System.Text.Json.Nodes;
using Upsonic.Storage;
using Upsonic.Storage.Mongo;

namespace Upsonic.Memory.Mongo.Tests.Definitions;

public sealed class SessionDefinitionTests
{
    private static readonly DateTimeOffset Now = new(2024, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private const string NowJson = "{ '$date': '2024-01-01T12:00:00Z' }";

    [Fact]
    public void A_query_without_filters_matches_every_head() => Render.Is("{}", Render.Filter(SessionDefinitions.Matching(new SessionQuery())));

    [Fact]
    public void Every_session_filter_is_an_AND_of_equalities()
    {
        var query = new SessionQuery { SessionIds = ["s1", "s2"], SessionType = SessionType.Agent, UserId = "u", AgentId = "a" };
        Render.Is("{ '_id': { '$in': ['s1', 's2'] }, 'session_type': 'agent', 'user_id': 'u', 'agent_id': 'a' }",
            Render.Filter(SessionDefinitions.Matching(query)));
    }

    [Fact]
    public void An_empty_id_list_renders_an_empty_IN_which_matches_nothing() =>
        Render.Is("{ '_id': { '$in': [] } }", Render.Filter(SessionDefinitions.Matching(new SessionQuery { SessionIds = [] })));

    [Fact]
    public void Ids_with_operators_and_quotes_are_values_not_query_text() =>
        Render.Is("{ '_id': { '$in': [\"x'; {$ne: 1}\"] } }", Render.Filter(SessionDefinitions.Matching(new SessionQuery { SessionIds = ["x'; {$ne: 1}"] })));

    [Theory]
    [InlineData(RecordSortField.CreatedAt, SortOrder.Descending, "{ 'created_at': -1, '_id': 1 }")]
    [InlineData(RecordSortField.CreatedAt, SortOrder.Ascending, "{ 'created_at': 1, '_id': 1 }")]
    [InlineData(RecordSortField.UpdatedAt, SortOrder.Descending, "{ 'updated_at': -1, '_id': 1 }")]
    [InlineData(RecordSortField.UpdatedAt, SortOrder.Ascending, "{ 'updated_at': 1, '_id': 1 }")]
    public void Listing_sorts_by_the_chosen_time_with_ties_by_id_ascending(RecordSortField field, SortOrder order, string expected) =>
        Render.Is(expected, Render.Sort(SessionDefinitions.Order(field, order)));

    [Fact]
    public void Forgetting_a_user_finds_heads_by_user_id_reading_only_ids()
    {
        Render.Is("{ 'user_id': 'u' }", Render.Filter(SessionDefinitions.ByUser("u")));
        Render.Is("{ '_id': 1 }", Render.Projection(SessionDefinitions.IdOnly()));
    }

    [Fact]
    public void A_summary_is_written_only_over_a_lower_equal_or_missing_watermark()
    {
        var (filter, update) = SessionDefinitions.Summary("s", "text", 5, Now);
        Render.Is("{ '_id': 's', 'summary_watermark': { '$not': { '$gt': 5 } } }", Render.Filter(filter));
        Render.Is($"{{ '$set': {{ 'summary': 'text', 'summary_watermark': 5, 'updated_at': {NowJson} }} }}", Render.Update(update));
    }

    [Fact]
    public void A_metadata_merge_sets_each_escaped_key_and_nothing_else()
    {
        var update = SessionDefinitions.MergeMetadata(new JsonObject { ["topic"] = "x", ["a.b"] = 1, ["$where"] = null, ["nested"] = new JsonObject { ["k.v"] = true } }, Now);
        Render.Is(
            $"{{ '$set': {{ 'metadata.topic': 'x', 'metadata.a%2Eb': 1, 'metadata.%24where': null, 'metadata.nested': {{ 'k%2Ev': true }}, 'updated_at': {NowJson} }} }}",
            Render.Update(update));
    }
}
