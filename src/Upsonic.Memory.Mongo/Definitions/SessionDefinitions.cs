using MongoDB.Bson;
using MongoDB.Driver;
using S = Upsonic.Storage.Mongo.SessionDocuments;

namespace Upsonic.Storage.Mongo;

/// <summary>Filters, sorts and updates on session heads (record API and the small head updates of the hot path).</summary>
internal static class SessionDefinitions
{
    private static FilterDefinitionBuilder<BsonDocument> Filter => Builders<BsonDocument>.Filter;

    /// <summary>One head by id.</summary>
    public static FilterDefinition<BsonDocument> ById(string sessionId) => Filter.Eq(S.Id, sessionId);

    /// <summary>Heads whose ids are in <paramref name="sessionIds"/> (an empty list matches nothing).</summary>
    public static FilterDefinition<BsonDocument> ByIds(IEnumerable<string> sessionIds) => Filter.In(S.Id, sessionIds);

    /// <summary>Heads of one user (forget-user).</summary>
    public static FilterDefinition<BsonDocument> ByUser(string userId) => Filter.Eq(S.UserId, userId);

    /// <summary><paramref name="filter"/> limited to heads written after <paramref name="cutoff"/> (retention); unchanged when null.</summary>
    public static FilterDefinition<BsonDocument> Live(FilterDefinition<BsonDocument> filter, DateTimeOffset? cutoff) =>
        cutoff is { } c ? Filter.And(filter, Filter.Gt(S.UpdatedAt, BsonFields.Time(c))) : filter;

    /// <summary>Expired heads: written at or before <paramref name="cutoff"/>, among <paramref name="sessionIds"/> (null = any).</summary>
    public static FilterDefinition<BsonDocument> Expired(DateTimeOffset cutoff, IReadOnlyList<string>? sessionIds) =>
        sessionIds is null ? Filter.Lte(S.UpdatedAt, BsonFields.Time(cutoff)) : Filter.And(Filter.In(S.Id, sessionIds), Filter.Lte(S.UpdatedAt, BsonFields.Time(cutoff)));

    /// <summary>The AND of the query's filters; absent ones do not filter, an empty id list matches nothing.</summary>
    public static FilterDefinition<BsonDocument> Matching(SessionQuery query)
    {
        var parts = new List<FilterDefinition<BsonDocument>>();
        if (query.SessionIds is not null)
        {
            parts.Add(Filter.In(S.Id, query.SessionIds));
        }

        if (query.SessionType is { } type)
        {
            parts.Add(Filter.Eq(S.SessionType, StoredNames.Of(type)));
        }

        if (query.UserId is not null)
        {
            parts.Add(Filter.Eq(S.UserId, query.UserId));
        }

        if (query.AgentId is not null)
        {
            parts.Add(Filter.Eq(S.AgentId, query.AgentId));
        }

        return parts.Count == 0 ? Filter.Empty : Filter.And(parts);
    }

    /// <summary>
    /// The listing order: the chosen timestamp in the chosen direction, ties by id ascending. updated_at is written by every write,
    /// so sorting on it equals the "updated_at, falling back to created_at" rule.
    /// </summary>
    public static SortDefinition<BsonDocument> Order(RecordSortField field, SortOrder order)
    {
        var key = field == RecordSortField.UpdatedAt ? S.UpdatedAt : S.CreatedAt;
        var sort = Builders<BsonDocument>.Sort;
        return sort.Combine(order == SortOrder.Ascending ? sort.Ascending(key) : sort.Descending(key), sort.Ascending(S.Id));
    }

    /// <summary>Only the id, for finding which sessions a delete touches.</summary>
    public static ProjectionDefinition<BsonDocument> IdOnly() => Builders<BsonDocument>.Projection.Include(S.Id);

    /// <summary>The id and the message and run counters of a head.</summary>
    public static ProjectionDefinition<BsonDocument> IdAndCounters() =>
        Builders<BsonDocument>.Projection.Include(S.Id).Include(S.MessageCount).Include(S.RunCount);

    /// <summary>
    /// Sets the summary and its watermark only when the stored watermark is not higher (a missing watermark counts as lower), so a
    /// slow summarizer never overwrites a newer summary.
    /// </summary>
    public static (FilterDefinition<BsonDocument> Filter, UpdateDefinition<BsonDocument> Update) Summary(string sessionId, string summary, long watermark, DateTimeOffset now) =>
        (Filter.And(ById(sessionId), Filter.Not(Filter.Gt(S.SummaryWatermark, watermark))),
         Builders<BsonDocument>.Update
            .Set(S.Summary, summary)
            .Set(S.SummaryWatermark, watermark)
            .Set(S.UpdatedAt, BsonFields.Time(now)));

    /// <summary>
    /// Merges metadata keys with one <c>$set</c> of <c>metadata.&lt;key&gt;</c> per key (keys escaped by <see cref="FieldNames"/>), so
    /// concurrent merges of different keys all survive. No upsert: a missing session is not created.
    /// </summary>
    public static UpdateDefinition<BsonDocument> MergeMetadata(System.Text.Json.Nodes.JsonObject metadata, DateTimeOffset now)
    {
        var set = new BsonDocument();
        foreach (var (key, value) in metadata)
        {
            set.Add(FieldNames.Path(S.Metadata, key), BsonJson.ToBson(value));
        }

        set.Add(S.UpdatedAt, BsonFields.Time(now));
        return new BsonDocument("$set", set);
    }
}
