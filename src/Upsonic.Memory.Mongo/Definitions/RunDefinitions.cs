using MongoDB.Bson;
using MongoDB.Driver;
using R = Upsonic.Storage.Mongo.RunDocuments;

namespace Upsonic.Storage.Mongo;

/// <summary>Filters and sorts on runs.</summary>
internal static class RunDefinitions
{
    private static FilterDefinitionBuilder<BsonDocument> Filter => Builders<BsonDocument>.Filter;

    /// <summary>The runs of each session numbered up to its given run sequence.</summary>
    public static FilterDefinition<BsonDocument> UpTo(IEnumerable<(string SessionId, long Sequence)> sessions) =>
        Filter.Or(sessions.Select(s => Filter.And(Filter.Eq(R.SessionId, s.SessionId), Filter.Lte(R.Sequence, s.Sequence))));

    /// <summary>The runs of <paramref name="sessions"/> (see <see cref="UpTo"/>) not written after <paramref name="cutoff"/> (a run
    /// without a time of its own counts as written before it).</summary>
    public static FilterDefinition<BsonDocument> UpToWrittenBy(IEnumerable<(string SessionId, long Sequence)> sessions, DateTimeOffset cutoff) =>
        Filter.And(UpTo(sessions), Filter.Not(Filter.Gt(R.UpdatedAt, BsonFields.Time(cutoff))));

    /// <summary>The session and run id of a run.</summary>
    public static ProjectionDefinition<BsonDocument> Key() => Builders<BsonDocument>.Projection.Include(R.SessionId).Include(R.RunId).Exclude("_id");

    /// <summary>One run by its key (unique index session_run).</summary>
    public static FilterDefinition<BsonDocument> ByKey(string sessionId, string runId) =>
        Filter.And(Filter.Eq(R.SessionId, sessionId), Filter.Eq(R.RunId, runId));

    /// <summary>Every run of a session.</summary>
    public static FilterDefinition<BsonDocument> OfSession(string sessionId) => Filter.Eq(R.SessionId, sessionId);

    /// <summary>Every run of several sessions.</summary>
    public static FilterDefinition<BsonDocument> OfSessions(IEnumerable<string> sessionIds) => Filter.In(R.SessionId, sessionIds);

    /// <summary>A run by id in any session, optionally of one agent (index run_id).</summary>
    public static FilterDefinition<BsonDocument> ById(string runId, string? agentId) =>
        agentId is null ? Filter.Eq(R.RunId, runId) : Filter.And(Filter.Eq(R.RunId, runId), Filter.Eq(R.AgentId, agentId));

    /// <summary>Runs of a session after a sequence (index session_seq).</summary>
    public static FilterDefinition<BsonDocument> After(string sessionId, long afterSequence) =>
        Filter.And(Filter.Eq(R.SessionId, sessionId), Filter.Gt(R.Sequence, afterSequence));

    /// <summary>Run order.</summary>
    public static SortDefinition<BsonDocument> BySequence() => Builders<BsonDocument>.Sort.Ascending(R.Sequence);

    /// <summary>Newest run first.</summary>
    public static SortDefinition<BsonDocument> NewestFirst() => Builders<BsonDocument>.Sort.Descending(R.Sequence);

    /// <summary>Deterministic choice among sessions that hold the same run id (the lowest session id, as the reference storage).</summary>
    public static SortDefinition<BsonDocument> BySession() => Builders<BsonDocument>.Sort.Ascending(R.SessionId);
}
