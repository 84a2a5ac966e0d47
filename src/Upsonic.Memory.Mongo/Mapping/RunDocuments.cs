using MongoDB.Bson;

namespace Upsonic.Storage.Mongo;

/// <summary>
/// One document per run, keyed by (<c>session_id</c>, <c>run_id</c>), with its sequence in the session, status, fields, usage and
/// the number of its messages already stored (an append of the same run stores only the messages after that count).
/// </summary>
internal static class RunDocuments
{
    public const string SessionId = "session_id";
    public const string RunId = "run_id";
    public const string Sequence = "seq";
    public const string AgentId = "agent_id";
    public const string AgentName = "agent_name";
    public const string UserId = "user_id";
    public const string Status = "status";
    public const string PauseReason = "pause_reason";
    public const string Error = "error";
    public const string Input = "input";
    public const string Output = "output";
    public const string Usage = "usage";
    public const string Metadata = "metadata";
    public const string MessageCount = "message_count";
    public const string CreatedAt = "created_at";
    public const string UpdatedAt = "updated_at";

    /// <summary>The document that stores <paramref name="run"/> (its session id, sequence and timestamps already set).</summary>
    public static BsonDocument Write(string sessionId, RunRecord run, long messageCount) => new()
    {
        { SessionId, sessionId },
        { RunId, run.RunId },
        { Sequence, run.Sequence },
        { AgentId, BsonFields.String(run.AgentId) },
        { AgentName, BsonFields.String(run.AgentName) },
        { UserId, BsonFields.String(run.UserId) },
        { Status, StoredNames.Of(run.Status) },
        { PauseReason, BsonFields.String(run.PauseReason) },
        { Error, BsonFields.String(run.Error) },
        { Input, BsonFields.String(run.Input) },
        { Output, BsonFields.String(run.Output) },
        { Usage, BsonFields.Usage(run.Usage) },
        { Metadata, run.Metadata is null ? BsonNull.Value : BsonJson.ToDocument(run.Metadata) },
        { MessageCount, messageCount },
        { CreatedAt, BsonFields.Time(run.CreatedAt) },
        { UpdatedAt, BsonFields.Time(run.UpdatedAt) },
    };

    /// <summary>The run stored in <paramref name="document"/>, without its messages.</summary>
    public static RunRecord Read(BsonDocument document)
    {
        var runId = document[RunId].AsString;
        return new RunRecord
        {
            RunId = runId,
            SessionId = BsonFields.GetString(document, SessionId),
            Sequence = BsonFields.GetLong(document, Sequence),
            AgentId = BsonFields.GetString(document, AgentId),
            AgentName = BsonFields.GetString(document, AgentName),
            UserId = BsonFields.GetString(document, UserId),
            Status = StoredNames.ParseRunStatus(BsonFields.GetString(document, Status), runId),
            PauseReason = BsonFields.GetString(document, PauseReason),
            Error = BsonFields.GetString(document, Error),
            Input = BsonFields.GetString(document, Input),
            Output = BsonFields.GetString(document, Output),
            Usage = BsonFields.GetUsage(document, Usage, runId),
            Metadata = BsonJson.ObjectField(document, Metadata, runId),
            CreatedAt = BsonFields.GetTime(document, CreatedAt, runId),
            UpdatedAt = BsonFields.GetTime(document, UpdatedAt, runId),
        };
    }

    /// <summary>How many of the run's messages are stored.</summary>
    public static int StoredMessageCount(BsonDocument document) => (int)BsonFields.GetLong(document, MessageCount);
}
