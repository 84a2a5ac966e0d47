using MongoDB.Bson;
using MongoDB.Driver;

namespace Upsonic.Storage.Mongo;

/// <summary>
/// The session head document (one per session, <c>_id</c> = session id): ids, type, summary and watermark, the free-form maps,
/// usage, the run and message counters that allocate sequences, timestamps and an optimistic-concurrency version.
/// </summary>
/// <remarks>
/// The free-form maps (<c>metadata</c>, <c>session_data</c>, <c>agent_data</c>) are native sub-documents so that single keys can be
/// merged with <c>$set</c>; a null map is a missing field, never BSON null, because <c>$set</c> of <c>metadata.key</c> fails on a
/// null parent.
/// </remarks>
internal static class SessionDocuments
{
    public const string Id = "_id";
    public const string SessionType = "session_type";
    public const string AgentId = "agent_id";
    public const string TeamId = "team_id";
    public const string WorkflowId = "workflow_id";
    public const string UserId = "user_id";
    public const string SessionData = "session_data";
    public const string Metadata = "metadata";
    public const string AgentData = "agent_data";
    public const string Summary = "summary";
    public const string SummaryWatermark = "summary_watermark";
    public const string Usage = "usage";
    public const string RunCount = "run_count";
    public const string MessageCount = "message_count";
    public const string CreatedAt = "created_at";
    public const string UpdatedAt = "updated_at";
    public const string Version = "version";

    /// <summary>
    /// The update that makes the head hold exactly <paramref name="session"/>'s head fields (the record API's whole-record replace):
    /// every field set (null maps removed), created_at only when the head is new, version incremented.
    /// </summary>
    public static UpdateDefinition<BsonDocument> Replace(AgentSession session, long runCount, long messageCount, DateTimeOffset createdAtIfNew, DateTimeOffset now)
    {
        var set = new BsonDocument
        {
            { SessionType, StoredNames.Of(session.SessionType) },
            { AgentId, BsonFields.String(session.AgentId) },
            { TeamId, BsonFields.String(session.TeamId) },
            { WorkflowId, BsonFields.String(session.WorkflowId) },
            { UserId, BsonFields.String(session.UserId) },
            { Summary, BsonFields.String(session.Summary) },
            { SummaryWatermark, session.SummaryWatermark },
            { Usage, BsonFields.Usage(session.Usage) },
            { RunCount, runCount },
            { MessageCount, messageCount },
            { UpdatedAt, BsonFields.Time(now) },
        };
        var unset = new BsonDocument();
        AddMap(set, unset, SessionData, session.SessionData);
        AddMap(set, unset, Metadata, session.Metadata);
        AddMap(set, unset, AgentData, session.AgentData);
        var update = new BsonDocument
        {
            { "$set", set },
            { "$setOnInsert", new BsonDocument(CreatedAt, BsonFields.Time(createdAtIfNew)) },
            { "$inc", new BsonDocument(Version, 1L) },
        };
        if (unset.ElementCount > 0)
        {
            update.Add("$unset", unset);
        }

        return new BsonDocumentUpdateDefinition<BsonDocument>(update);
    }

    private static void AddMap(BsonDocument set, BsonDocument unset, string field, System.Text.Json.Nodes.JsonObject? value)
    {
        if (value is null)
        {
            unset.Add(field, "");
        }
        else
        {
            set.Add(field, BsonJson.ToDocument(value));
        }
    }

    /// <summary>The session head stored in <paramref name="document"/> (no messages or runs).</summary>
    public static AgentSession Read(BsonDocument document)
    {
        var id = document[Id].AsString;
        return new AgentSession
        {
            SessionId = id,
            SessionType = StoredNames.ParseSessionType(BsonFields.GetString(document, SessionType)),
            AgentId = BsonFields.GetString(document, AgentId),
            TeamId = BsonFields.GetString(document, TeamId),
            WorkflowId = BsonFields.GetString(document, WorkflowId),
            UserId = BsonFields.GetString(document, UserId),
            SessionData = BsonJson.ObjectField(document, SessionData, id),
            Metadata = BsonJson.ObjectField(document, Metadata, id),
            AgentData = BsonJson.ObjectField(document, AgentData, id),
            Summary = BsonFields.GetString(document, Summary),
            SummaryWatermark = BsonFields.GetLong(document, SummaryWatermark),
            Usage = BsonFields.GetUsage(document, Usage, id),
            CreatedAt = BsonFields.GetTime(document, CreatedAt, id),
            UpdatedAt = BsonFields.GetTime(document, UpdatedAt, id),
        };
    }
}
