using Microsoft.Extensions.AI;
using MongoDB.Bson;
using MongoDB.Driver;
using S = Upsonic.Storage.Mongo.SessionDocuments;

namespace Upsonic.Storage.Mongo;

/// <summary>
/// Step 2 of an append: one atomic <c>findAndModify</c> on the session head that creates it when missing and reserves the
/// sequence numbers the append needs, returning the head as it was before (null = just created).
/// </summary>
/// <remarks>
/// <c>$inc</c> on <c>message_count</c> and <c>run_count</c> is atomic on the server, so concurrent writers in any number of
/// processes get disjoint sequence ranges, and each writer's runs get increasing sequences in the order it appends them.
/// </remarks>
internal sealed record HeadAllocation(long MessageCountBefore, long RunCountBefore, UsageDetails? Usage, long Version, bool Created)
{
    /// <summary>The allocation of a head that did not exist.</summary>
    public static HeadAllocation New { get; } = new(0, 0, null, 0, true);

    /// <summary>The head's key.</summary>
    public static FilterDefinition<BsonDocument> Filter(string sessionId) => SessionDefinitions.ById(sessionId);

    /// <summary>
    /// Reserves <paramref name="newMessages"/> message sequences and, for a new run, one run sequence; creates the head with the
    /// run's agent and user ids and empty metadata when missing; sets updated_at and agent_data.agent_name.
    /// </summary>
    public static UpdateDefinition<BsonDocument> Update(RunAppend append, int newMessages, bool newRun, DateTimeOffset now)
    {
        var stamp = BsonFields.Time(now);
        var set = new BsonDocument(S.UpdatedAt, stamp);
        if (!string.IsNullOrEmpty(append.AgentName))
        {
            set.Add(S.AgentData + ".agent_name", append.AgentName);
        }

        return new BsonDocument
        {
            {
                "$setOnInsert", new BsonDocument
                {
                    { S.SessionType, StoredNames.Of(SessionType.Agent) },
                    { S.AgentId, BsonFields.String(append.Run.AgentId) },
                    { S.TeamId, BsonNull.Value },
                    { S.WorkflowId, BsonNull.Value },
                    { S.UserId, BsonFields.String(append.Run.UserId) },
                    { S.Metadata, new BsonDocument() },
                    { S.Summary, BsonNull.Value },
                    { S.SummaryWatermark, 0L },
                    { S.Usage, BsonNull.Value },
                    { S.CreatedAt, stamp },
                    { S.Version, 0L },
                }
            },
            { "$inc", new BsonDocument { { S.MessageCount, (long)newMessages }, { S.RunCount, newRun ? 1L : 0L } } },
            { "$set", set },
        };
    }

    /// <summary>Upsert, and return the head as it was before (null when the upsert created it); only the fields the append needs.</summary>
    public static FindOneAndUpdateOptions<BsonDocument> Options() => new()
    {
        IsUpsert = true,
        ReturnDocument = ReturnDocument.Before,
        Projection = Builders<BsonDocument>.Projection.Include(S.MessageCount).Include(S.RunCount).Include(S.Usage).Include(S.Version),
    };

    /// <summary>The allocation read from the head returned by <see cref="Update"/> (or <see cref="New"/>).</summary>
    public static HeadAllocation Read(BsonDocument? before, string sessionId) => before is null
        ? New
        : new HeadAllocation(
            BsonFields.GetLong(before, S.MessageCount),
            BsonFields.GetLong(before, S.RunCount),
            BsonFields.GetUsage(before, S.Usage, sessionId),
            BsonFields.GetLong(before, S.Version),
            false);
}
