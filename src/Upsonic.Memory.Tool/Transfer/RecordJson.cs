using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Upsonic.Storage;

namespace Upsonic.Memory.Tool.Transfer;

/// <summary>
/// The JSON form of each record in the export format and in <c>--json</c> output (docs/tool.md, "Export format"): snake_case
/// fields, timestamps as ISO 8601 UTC with milliseconds, enums as stored by every backend (<c>"agent"</c>, <c>"COMPLETED"</c>),
/// usage and messages in the Microsoft.Extensions.AI JSON contract every backend stores.
/// </summary>
/// <remarks>Reading builds records from data only: no type named in a file is ever created.</remarks>
internal static class RecordJson
{
    // ----- sessions -----

    /// <summary>A session's head fields (never its messages or runs).</summary>
    public static JsonObject Head(AgentSession session) => new()
    {
        ["session_id"] = session.SessionId,
        ["session_type"] = StoredNames.Of(session.SessionType),
        ["agent_id"] = session.AgentId,
        ["team_id"] = session.TeamId,
        ["workflow_id"] = session.WorkflowId,
        ["user_id"] = session.UserId,
        ["session_data"] = session.SessionData?.DeepClone(),
        ["metadata"] = session.Metadata?.DeepClone(),
        ["agent_data"] = session.AgentData?.DeepClone(),
        ["summary"] = session.Summary,
        ["summary_watermark"] = session.SummaryWatermark,
        ["usage"] = Usage(session.Usage),
        ["created_at"] = Time(session.CreatedAt),
        ["updated_at"] = Time(session.UpdatedAt),
    };

    /// <summary>Reads a session head written by <see cref="Head"/>.</summary>
    public static AgentSession ReadHead(JsonObject o) => new()
    {
        SessionId = RequiredString(o, "session_id"),
        SessionType = StoredNames.ParseSessionType(String(o, "session_type")),
        AgentId = String(o, "agent_id"),
        TeamId = String(o, "team_id"),
        WorkflowId = String(o, "workflow_id"),
        UserId = String(o, "user_id"),
        SessionData = Object(o, "session_data"),
        Metadata = Object(o, "metadata"),
        AgentData = Object(o, "agent_data"),
        Summary = String(o, "summary"),
        SummaryWatermark = Long(o, "summary_watermark") ?? 0,
        Usage = ReadUsage(o["usage"]),
        CreatedAt = ReadTime(o, "created_at"),
        UpdatedAt = ReadTime(o, "updated_at"),
    };

    // ----- runs -----

    /// <summary>A run record's fields (never its messages: those are message lines of their own).</summary>
    public static JsonObject Run(RunRecord run) => new()
    {
        ["run_id"] = run.RunId,
        ["sequence"] = run.Sequence,
        ["agent_id"] = run.AgentId,
        ["agent_name"] = run.AgentName,
        ["user_id"] = run.UserId,
        ["status"] = StoredNames.Of(run.Status),
        ["pause_reason"] = run.PauseReason,
        ["error"] = run.Error,
        ["input"] = run.Input,
        ["output"] = run.Output,
        ["usage"] = Usage(run.Usage),
        ["metadata"] = run.Metadata?.DeepClone(),
        ["created_at"] = Time(run.CreatedAt),
        ["updated_at"] = Time(run.UpdatedAt),
    };

    /// <summary>Reads a run written by <see cref="Run"/> (its messages empty).</summary>
    public static RunRecord ReadRun(JsonObject o, string sessionId)
    {
        var runId = RequiredString(o, "run_id");
        return new RunRecord
        {
            RunId = runId,
            SessionId = sessionId,
            Sequence = Long(o, "sequence") ?? 0,
            AgentId = String(o, "agent_id"),
            AgentName = String(o, "agent_name"),
            UserId = String(o, "user_id"),
            Status = StoredNames.ParseRunStatus(String(o, "status"), runId),
            PauseReason = String(o, "pause_reason"),
            Error = String(o, "error"),
            Input = String(o, "input"),
            Output = String(o, "output"),
            Usage = ReadUsage(o["usage"]),
            Metadata = Object(o, "metadata"),
            CreatedAt = ReadTime(o, "created_at"),
            UpdatedAt = ReadTime(o, "updated_at"),
        };
    }

    // ----- messages -----

    /// <summary>A message in the stored JSON contract, as a node.</summary>
    public static JsonNode Message(ChatMessage message) => JsonNode.Parse(StorageJson.SerializeMessage(message))!;

    /// <summary>Reads a message written by <see cref="Message"/>.</summary>
    public static ChatMessage ReadMessage(JsonNode? node, string sessionId, long sequence) =>
        node is JsonObject
            ? StorageJson.DeserializeMessage(node.ToJsonString(), sessionId, sequence)
            : throw new FormatException($"message {sequence.ToString(CultureInfo.InvariantCulture)} of session '{sessionId}' is not a JSON object");

    // ----- user memories and knowledge rows -----

    /// <summary>A user profile.</summary>
    public static JsonObject UserMemory(UserMemory memory) => new()
    {
        ["user_id"] = memory.UserId,
        ["profile"] = memory.Profile.DeepClone(),
        ["agent_id"] = memory.AgentId,
        ["team_id"] = memory.TeamId,
        ["created_at"] = Time(memory.CreatedAt),
        ["updated_at"] = Time(memory.UpdatedAt),
    };

    /// <summary>Reads a profile written by <see cref="UserMemory"/>.</summary>
    public static UserMemory ReadUserMemory(JsonObject o) => new()
    {
        UserId = RequiredString(o, "user_id"),
        Profile = Object(o, "profile") ?? [],
        AgentId = String(o, "agent_id"),
        TeamId = String(o, "team_id"),
        CreatedAt = ReadTime(o, "created_at"),
        UpdatedAt = ReadTime(o, "updated_at"),
    };

    /// <summary>A knowledge-registry row.</summary>
    public static JsonObject Knowledge(KnowledgeRow row) => new()
    {
        ["id"] = row.Id,
        ["name"] = row.Name,
        ["description"] = row.Description,
        ["metadata"] = row.Metadata?.DeepClone(),
        ["type"] = row.Type,
        ["size"] = row.Size,
        ["knowledge_base_id"] = row.KnowledgeBaseId,
        ["content_hash"] = row.ContentHash,
        ["chunk_count"] = row.ChunkCount,
        ["source"] = row.Source,
        ["status"] = row.Status,
        ["status_message"] = row.StatusMessage,
        ["access_count"] = row.AccessCount,
        ["created_at"] = Time(row.CreatedAt),
        ["updated_at"] = Time(row.UpdatedAt),
    };

    /// <summary>Reads a knowledge row written by <see cref="Knowledge"/>.</summary>
    public static KnowledgeRow ReadKnowledge(JsonObject o) => new()
    {
        Id = RequiredString(o, "id"),
        Name = RequiredString(o, "name"),
        Description = String(o, "description"),
        Metadata = Object(o, "metadata"),
        Type = String(o, "type"),
        Size = Long(o, "size"),
        KnowledgeBaseId = String(o, "knowledge_base_id"),
        ContentHash = String(o, "content_hash"),
        ChunkCount = (int?)Long(o, "chunk_count"),
        Source = String(o, "source"),
        Status = String(o, "status"),
        StatusMessage = String(o, "status_message"),
        AccessCount = (int)(Long(o, "access_count") ?? 0),
        CreatedAt = ReadTime(o, "created_at"),
        UpdatedAt = ReadTime(o, "updated_at"),
    };

    // ----- values -----

    /// <summary>A timestamp as ISO 8601 UTC with milliseconds (what every backend keeps).</summary>
    public static string? Time(DateTimeOffset? value) =>
        value?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static JsonNode? Usage(UsageDetails? usage) =>
        usage is null ? null : JsonSerializer.SerializeToNode(usage, StorageJson.Options);

    private static UsageDetails? ReadUsage(JsonNode? node) =>
        node is JsonObject ? node.Deserialize<UsageDetails>(StorageJson.Options) : null;

    private static string? String(JsonObject o, string name) =>
        o[name] is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    private static string RequiredString(JsonObject o, string name) =>
        String(o, name) is { Length: > 0 } s ? s : throw new FormatException($"the record has no \"{name}\"");

    private static long? Long(JsonObject o, string name) =>
        o[name] is JsonValue value && value.TryGetValue<long>(out var n) ? n : null;

    private static JsonObject? Object(JsonObject o, string name) => o[name] is JsonObject value ? (JsonObject)value.DeepClone() : null;

    private static DateTimeOffset? ReadTime(JsonObject o, string name) =>
        String(o, name) is { } text
            ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal)
            : null;
}
