using MongoDB.Bson;
using MongoDB.Driver;
using U = Upsonic.Storage.Mongo.UserMemoryDocuments;

namespace Upsonic.Storage.Mongo;

/// <summary>Filters, sorts and the atomic upserts of user profiles.</summary>
internal static class UserMemoryDefinitions
{
    private static FilterDefinitionBuilder<BsonDocument> Filter => Builders<BsonDocument>.Filter;

    /// <summary>One profile by user id.</summary>
    public static FilterDefinition<BsonDocument> ById(string userId) => Filter.Eq(U.Id, userId);

    /// <summary>Profiles whose user ids are in the list.</summary>
    public static FilterDefinition<BsonDocument> ByIds(IEnumerable<string> userIds) => Filter.In(U.Id, userIds);

    /// <summary><paramref name="filter"/> limited to profiles written after <paramref name="cutoff"/> (retention); unchanged when null.</summary>
    public static FilterDefinition<BsonDocument> Live(FilterDefinition<BsonDocument> filter, DateTimeOffset? cutoff) =>
        cutoff is { } c ? Filter.And(filter, Filter.Gt(U.UpdatedAt, BsonFields.Time(c))) : filter;

    /// <summary>Expired profiles: written at or before <paramref name="cutoff"/>, among <paramref name="userIds"/> (null = any).</summary>
    public static FilterDefinition<BsonDocument> Expired(DateTimeOffset cutoff, IReadOnlyList<string>? userIds) =>
        userIds is null ? Filter.Lte(U.UpdatedAt, BsonFields.Time(cutoff)) : Filter.And(Filter.In(U.Id, userIds), Filter.Lte(U.UpdatedAt, BsonFields.Time(cutoff)));

    /// <summary>The AND of the query's filters; an empty id list matches nothing.</summary>
    public static FilterDefinition<BsonDocument> Matching(UserMemoryQuery query)
    {
        var parts = new List<FilterDefinition<BsonDocument>>();
        if (query.UserIds is not null)
        {
            parts.Add(Filter.In(U.Id, query.UserIds));
        }

        if (query.AgentId is not null)
        {
            parts.Add(Filter.Eq(U.AgentId, query.AgentId));
        }

        if (query.TeamId is not null)
        {
            parts.Add(Filter.Eq(U.TeamId, query.TeamId));
        }

        return parts.Count == 0 ? Filter.Empty : Filter.And(parts);
    }

    /// <summary>Most recently updated first, ties by user id.</summary>
    public static SortDefinition<BsonDocument> Order() =>
        Builders<BsonDocument>.Sort.Combine(Builders<BsonDocument>.Sort.Descending(U.UpdatedAt), Builders<BsonDocument>.Sort.Ascending(U.Id));

    /// <summary>
    /// The record API upsert: the whole profile, agent and team ids and updated_at set; created_at kept when the row exists
    /// (else the given one, else now). One <c>findAndModify</c> returning the stored row.
    /// </summary>
    public static UpdateDefinition<BsonDocument> Upsert(UserMemory memory, DateTimeOffset now) =>
        Write(BsonJson.ToDocument(memory.Profile ?? []), null, memory.AgentId, memory.TeamId, memory.CreatedAt ?? now, now);

    /// <summary>
    /// A profile change (<see cref="ProfileUpdate"/>). Update mode: one <c>$set</c> of <c>profile.&lt;key&gt;</c> per informative trait
    /// (<c>ProfileMerge.Informative</c>), so concurrent updates of different traits all survive and nulls never erase. Replace mode:
    /// the profile becomes the informative traits. Both are one atomic <c>findAndModify</c> with upsert that keeps created_at.
    /// </summary>
    public static UpdateDefinition<BsonDocument> Profile(ProfileUpdate update, DateTimeOffset now)
    {
        var informative = ProfileMerge.Informative(update.Traits);
        if (update.Mode == UserMemoryMode.Replace)
        {
            return Write(BsonJson.ToDocument(informative), null, update.AgentId, update.TeamId, now, now);
        }

        var perKey = new BsonDocument();
        foreach (var (key, value) in informative)
        {
            perKey.Add(FieldNames.Path(U.Profile, key), BsonJson.ToBson(value));
        }

        return Write(null, perKey, update.AgentId, update.TeamId, now, now);
    }

    private static UpdateDefinition<BsonDocument> Write(BsonDocument? wholeProfile, BsonDocument? perKey, string? agentId, string? teamId, DateTimeOffset createdAtIfNew, DateTimeOffset now)
    {
        var set = new BsonDocument
        {
            { U.AgentId, BsonFields.String(agentId) },
            { U.TeamId, BsonFields.String(teamId) },
            { U.UpdatedAt, BsonFields.Time(now) },
        };
        var setOnInsert = new BsonDocument(U.CreatedAt, BsonFields.Time(createdAtIfNew));
        if (wholeProfile is not null)
        {
            set.Add(U.Profile, wholeProfile);
        }
        else if (perKey is { ElementCount: > 0 })
        {
            set.AddRange(perKey);
        }
        else
        {
            // Nothing to merge: a new row still gets an empty profile ($setOnInsert of the parent would conflict with $set of a child).
            setOnInsert.Add(U.Profile, new BsonDocument());
        }

        return new BsonDocument { { "$set", set }, { "$setOnInsert", setOnInsert } };
    }

    /// <summary>Upsert and return the stored row.</summary>
    public static FindOneAndUpdateOptions<BsonDocument> ReturnStored() => new() { IsUpsert = true, ReturnDocument = ReturnDocument.After };
}
