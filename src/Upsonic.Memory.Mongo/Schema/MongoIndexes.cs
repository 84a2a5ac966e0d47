using MongoDB.Bson;
using MongoDB.Driver;

namespace Upsonic.Storage.Mongo;

/// <summary>Every index the storage's queries need, per collection. Each one names the query it serves.</summary>
internal static class MongoIndexes
{
    /// <summary>The unique index on a message's position in its run, whose duplicate keys a re-save ignores.</summary>
    public const string RunPositionIndex = "session_run_index";

    /// <summary>Session heads (<c>_id</c> is the session id): listing filters and sorts.</summary>
    public static IReadOnlyList<CreateIndexModel<BsonDocument>> Sessions() =>
    [
        Index("user_id", new BsonDocument { { "user_id", 1 }, { "updated_at", -1 } }),           // filter by user, DeleteUserData
        Index("agent_id", new BsonDocument { { "agent_id", 1 }, { "updated_at", -1 } }),         // filter by agent
        Index("created_at", new BsonDocument { { "created_at", -1 }, { "_id", 1 } }),            // default listing order
        Index("updated_at", new BsonDocument { { "updated_at", -1 }, { "_id", 1 } }),            // latest session, updated_at sort
    ];

    /// <summary>Messages: the sequence key, the history window and the messages of one run.</summary>
    public static IReadOnlyList<CreateIndexModel<BsonDocument>> Messages() =>
    [
        Index("session_seq", new BsonDocument { { "session_id", 1 }, { "seq", 1 } }, unique: true),
        Index("session_history_turn", new BsonDocument { { "session_id", 1 }, { "in_history", 1 }, { "turn", 1 }, { "seq", 1 } }),
        // Makes an append of a run idempotent: a message already stored at that position of that run is a duplicate key.
        Index(RunPositionIndex, new BsonDocument { { "session_id", 1 }, { "run_id", 1 }, { "index", 1 } }, unique: true,
            partialFilter: new BsonDocument("run_id", new BsonDocument("$exists", true))),
    ];

    /// <summary>Runs: the run key, runs in sequence order, and a run found by id in any session.</summary>
    public static IReadOnlyList<CreateIndexModel<BsonDocument>> Runs() =>
    [
        Index("session_run", new BsonDocument { { "session_id", 1 }, { "run_id", 1 } }, unique: true),
        Index("session_seq", new BsonDocument { { "session_id", 1 }, { "seq", 1 } }),
        Index("run_id", new BsonDocument { { "run_id", 1 }, { "session_id", 1 } }),
    ];

    /// <summary>User memories (<c>_id</c> is the user id): latest profile and listing order.</summary>
    public static IReadOnlyList<CreateIndexModel<BsonDocument>> UserMemories() =>
    [
        Index("updated_at", new BsonDocument { { "updated_at", -1 }, { "_id", 1 } }),
    ];

    /// <summary>Knowledge rows (<c>_id</c> is the row id): filter by knowledge base, listing order.</summary>
    public static IReadOnlyList<CreateIndexModel<BsonDocument>> Knowledge() =>
    [
        Index("knowledge_base_id", new BsonDocument { { "knowledge_base_id", 1 }, { "created_at", -1 } }),
        Index("created_at", new BsonDocument { { "created_at", -1 }, { "_id", 1 } }),
    ];

    private static CreateIndexModel<BsonDocument> Index(string name, BsonDocument keys, bool unique = false, BsonDocument? partialFilter = null)
    {
        var options = new CreateIndexOptions<BsonDocument> { Name = name, Unique = unique };
        if (partialFilter is not null)
        {
            options.PartialFilterExpression = new BsonDocumentFilterDefinition<BsonDocument>(partialFilter);
        }

        return new CreateIndexModel<BsonDocument>(new BsonDocumentIndexKeysDefinition<BsonDocument>(keys), options);
    }
}
