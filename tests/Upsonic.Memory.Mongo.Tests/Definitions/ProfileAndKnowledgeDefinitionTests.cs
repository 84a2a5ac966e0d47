using System.Text.Json.Nodes;
using Upsonic.Storage;
using Upsonic.Storage.Mongo;

namespace Upsonic.Memory.Mongo.Tests.Definitions;

public sealed class ProfileAndKnowledgeDefinitionTests
{
    private static readonly DateTimeOffset Now = new(2024, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private const string NowJson = "{ '$date': '2024-01-01T12:00:00Z' }";

    [Fact]
    public void Update_mode_sets_each_informative_trait_alone_so_nulls_and_blanks_never_erase()
    {
        var update = new ProfileUpdate
        {
            UserId = "u",
            AgentId = "a",
            Traits = new JsonObject { ["name"] = "Ada", ["job"] = null, ["hobbies"] = new JsonArray(), ["city"] = "  ", ["likes.tea"] = true },
        };
        Render.Is(
            $"{{ '$set': {{ 'agent_id': 'a', 'team_id': null, 'updated_at': {NowJson}, 'profile.name': 'Ada', 'profile.likes%2Etea': true }}, '$setOnInsert': {{ 'created_at': {NowJson} }} }}",
            Render.Update(UserMemoryDefinitions.Profile(update, Now)));
    }

    [Fact]
    public void Update_mode_without_informative_traits_only_creates_an_empty_profile_for_a_new_user()
    {
        var update = new ProfileUpdate { UserId = "u", Traits = new JsonObject { ["job"] = null } };
        Render.Is(
            $"{{ '$set': {{ 'agent_id': null, 'team_id': null, 'updated_at': {NowJson} }}, '$setOnInsert': {{ 'created_at': {NowJson}, 'profile': {{}} }} }}",
            Render.Update(UserMemoryDefinitions.Profile(update, Now)));
    }

    [Fact]
    public void Replace_mode_sets_the_whole_profile_to_the_informative_traits_and_keeps_created_at()
    {
        var update = new ProfileUpdate { UserId = "u", Mode = UserMemoryMode.Replace, Traits = new JsonObject { ["name"] = "Ada", ["job"] = null } };
        Render.Is(
            $"{{ '$set': {{ 'agent_id': null, 'team_id': null, 'updated_at': {NowJson}, 'profile': {{ 'name': 'Ada' }} }}, '$setOnInsert': {{ 'created_at': {NowJson} }} }}",
            Render.Update(UserMemoryDefinitions.Profile(update, Now)));
    }

    [Fact]
    public void Profile_writes_are_one_upsert_returning_the_stored_row()
    {
        var options = UserMemoryDefinitions.ReturnStored();
        Assert.True(options.IsUpsert);
        Assert.Equal(MongoDB.Driver.ReturnDocument.After, options.ReturnDocument);
        Render.Is("{ '_id': 'u' }", Render.Filter(UserMemoryDefinitions.ById("u")));
    }

    [Fact]
    public void Profile_listing_filters_and_sorts_latest_first()
    {
        Render.Is("{ '_id': { '$in': ['a'] }, 'agent_id': 'x', 'team_id': 't' }",
            Render.Filter(UserMemoryDefinitions.Matching(new UserMemoryQuery { UserIds = ["a"], AgentId = "x", TeamId = "t" })));
        Render.Is("{}", Render.Filter(UserMemoryDefinitions.Matching(new UserMemoryQuery())));
        Render.Is("{ 'updated_at': -1, '_id': 1 }", Render.Sort(UserMemoryDefinitions.Order()));
    }

    [Fact]
    public void A_knowledge_row_keeps_a_stored_created_at_unless_one_is_given()
    {
        var withoutDate = Render.Update(KnowledgeDefinitions.Upsert(new KnowledgeRow { Id = "k", Name = "n" }, Now)).AsBsonDocument;
        Assert.False(withoutDate["$set"].AsBsonDocument.Contains("created_at"));
        Render.Is($"{{ 'created_at': {NowJson} }}", withoutDate["$setOnInsert"]);

        var withDate = Render.Update(KnowledgeDefinitions.Upsert(new KnowledgeRow { Id = "k", Name = "n", CreatedAt = Now.AddDays(-1) }, Now)).AsBsonDocument;
        Assert.False(withDate.Contains("$setOnInsert"));
        Render.Is("{ 'created_at': { '$date': '2023-12-31T12:00:00Z' } }", new MongoDB.Bson.BsonDocument("created_at", withDate["$set"]["created_at"]));
    }

    [Fact]
    public void Knowledge_listing_filters_by_base_and_sorts_with_ties_by_id()
    {
        Render.Is("{ 'knowledge_base_id': 'kb' }", Render.Filter(KnowledgeDefinitions.Matching(new KnowledgeQuery { KnowledgeBaseId = "kb" })));
        Render.Is("{}", Render.Filter(KnowledgeDefinitions.Matching(new KnowledgeQuery())));
        Render.Is("{ 'updated_at': 1, '_id': 1 }", Render.Sort(KnowledgeDefinitions.Order(RecordSortField.UpdatedAt, SortOrder.Ascending)));
    }
}
