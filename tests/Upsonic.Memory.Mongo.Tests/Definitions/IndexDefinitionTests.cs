using MongoDB.Bson;
using MongoDB.Driver;
using Upsonic.Storage.Mongo;

namespace Upsonic.Memory.Mongo.Tests.Definitions;

public sealed class IndexDefinitionTests
{
    private static string Describe(CreateIndexModel<BsonDocument> index)
    {
        var options = (CreateIndexOptions<BsonDocument>)index.Options;
        var partial = options.PartialFilterExpression is null ? "" : " partial " + Render.Filter(options.PartialFilterExpression).ToJson();
        return $"{options.Name} {Render.Keys(index.Keys).ToJson()}{(options.Unique == true ? " unique" : "")}{partial}";
    }

    [Fact]
    public void Messages_are_unique_by_sequence_and_by_position_in_their_run_and_indexed_for_the_history_window() =>
        Assert.Equal(
        [
            "session_seq { \"session_id\" : 1, \"seq\" : 1 } unique",
            "session_history_turn { \"session_id\" : 1, \"in_history\" : 1, \"turn\" : 1, \"seq\" : 1 }",
            "session_run_index { \"session_id\" : 1, \"run_id\" : 1, \"index\" : 1 } unique partial { \"run_id\" : { \"$exists\" : true } }",
        ], MongoIndexes.Messages().Select(Describe));

    [Fact]
    public void Runs_are_unique_per_session_and_found_by_sequence_or_by_id_alone() =>
        Assert.Equal(
        [
            "session_run { \"session_id\" : 1, \"run_id\" : 1 } unique",
            "session_seq { \"session_id\" : 1, \"seq\" : 1 }",
            "run_id { \"run_id\" : 1, \"session_id\" : 1 }",
        ], MongoIndexes.Runs().Select(Describe));

    [Fact]
    public void Heads_are_indexed_by_user_agent_and_both_timestamps() =>
        Assert.Equal(
        [
            "user_id { \"user_id\" : 1, \"updated_at\" : -1 }",
            "agent_id { \"agent_id\" : 1, \"updated_at\" : -1 }",
            "created_at { \"created_at\" : -1, \"_id\" : 1 }",
            "updated_at { \"updated_at\" : -1, \"_id\" : 1 }",
        ], MongoIndexes.Sessions().Select(Describe));

    [Fact]
    public void Profiles_and_knowledge_rows_are_indexed_for_their_listings()
    {
        Assert.Equal(["updated_at { \"updated_at\" : -1, \"_id\" : 1 }"], MongoIndexes.UserMemories().Select(Describe));
        Assert.Equal(
        [
            "knowledge_base_id { \"knowledge_base_id\" : 1, \"created_at\" : -1 }",
            "created_at { \"created_at\" : -1, \"_id\" : 1 }",
        ], MongoIndexes.Knowledge().Select(Describe));
    }

    [Fact]
    public void The_schema_version_is_written_only_when_missing()
    {
        Render.Is("{ '_id': 'schema' }", Render.Filter(MongoSchema.VersionFilter()));
        var update = Render.Update(MongoSchema.VersionUpdate()).AsBsonDocument;
        Assert.Equal(["$setOnInsert"], update.Names);
        Assert.Equal(MongoSchema.CurrentVersion, update["$setOnInsert"]["version"].ToInt32());
    }
}
