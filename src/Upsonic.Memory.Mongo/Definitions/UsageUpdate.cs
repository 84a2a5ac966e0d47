using Microsoft.Extensions.AI;
using MongoDB.Bson;
using MongoDB.Driver;
using S = Upsonic.Storage.Mongo.SessionDocuments;

namespace Upsonic.Storage.Mongo;

/// <summary>
/// Step 5 of an append: writes the session usage computed by <c>UsageMath.ApplyRunDelta</c> from the usage read at
/// <paramref name="Version"/>, only if the head still has that version (optimistic concurrency). When another writer changed the
/// usage in between, the update matches nothing and the append re-reads the head and tries again, so no delta is ever lost.
/// </summary>
internal sealed record UsageUpdate(string SessionId, long Version, UsageDetails? Usage)
{
    /// <summary>The head at the version the usage was computed from (version 0 also matches a head written without one).</summary>
    public FilterDefinition<BsonDocument> Filter()
    {
        var filter = Builders<BsonDocument>.Filter;
        return filter.And(
            SessionDefinitions.ById(SessionId),
            Version == 0 ? filter.In(S.Version, new BsonValue[] { 0L, BsonNull.Value }) : filter.Eq(S.Version, Version));
    }

    /// <summary>Sets the usage and moves the version on.</summary>
    public UpdateDefinition<BsonDocument> Update() =>
        new BsonDocument
        {
            { "$set", new BsonDocument(S.Usage, BsonFields.Usage(Usage)) },
            { "$inc", new BsonDocument(S.Version, 1L) },
        };

    /// <summary>What the retry reads: only the usage and the version.</summary>
    public static ProjectionDefinition<BsonDocument> RereadProjection() =>
        Builders<BsonDocument>.Projection.Include(S.Usage).Include(S.Version);
}
