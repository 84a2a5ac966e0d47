using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StackExchange.Redis;

namespace Upsonic.Storage.Redis;

/// <summary>How records map to Redis values: the session head as a hash, run records, profiles and knowledge rows as JSON text.</summary>
/// <remarks>Timestamps are UTC milliseconds since the Unix epoch; a null value is an absent field or a JSON null.</remarks>
internal static class RedisRecords
{
    public const string VersionField = "version";
    public const string JsonField = "json";

    /// <summary>The head field holding the session's history epoch (<see cref="SessionWindowMark.Epoch"/>; absent = 0, as heads written before it).</summary>
    public const string HistoryEpochField = "history_epoch";

    /// <summary>A session head as read back, with the counters the write path needs.</summary>
    internal sealed record StoredHead(AgentSession Head, long RunCount, long MessageCount, long Version)
    {
        /// <summary>The history epoch the head holds.</summary>
        public long HistoryEpoch { get; init; }
    }

    // ----- session head -----

    /// <summary>Writes a whole head: a created or rewritten session, so it draws a new history epoch.</summary>
    public static void WriteHead(RedisWriteBatch batch, RedisKey key, AgentSession head, long runCount, long messageCount, long version)
    {
        batch.HashSet(key, "id", head.SessionId)
            .HashSet(key, "type", StoredNames.Of(head.SessionType))
            .HashSetOrDelete(key, "agent_id", head.AgentId)
            .HashSetOrDelete(key, "team_id", head.TeamId)
            .HashSetOrDelete(key, "workflow_id", head.WorkflowId)
            .HashSetOrDelete(key, "user_id", head.UserId)
            .HashSetOrDelete(key, "session_data", StorageJson.SerializeObject(head.SessionData))
            .HashSetOrDelete(key, "metadata", StorageJson.SerializeObject(head.Metadata))
            .HashSetOrDelete(key, "agent_data", StorageJson.SerializeObject(head.AgentData))
            .HashSetOrDelete(key, "summary", head.Summary)
            .HashSet(key, "summary_watermark", head.SummaryWatermark)
            .HashSetOrDelete(key, "usage", StorageJson.SerializeUsage(head.Usage))
            .HashSet(key, "run_count", runCount)
            .HashSet(key, "message_count", messageCount)
            .HashSet(key, "created_at", Millis(head.CreatedAt))
            .HashSet(key, "updated_at", Millis(head.UpdatedAt))
            .HashSet(key, VersionField, version)
            .HashSet(key, HistoryEpochField, Backends.HistoryEpoch.New());
    }

    public static StoredHead ReadHead(IReadOnlyDictionary<string, RedisValue> f, string sessionId)
    {
        var head = new AgentSession
        {
            SessionId = String(f, "id") ?? sessionId,
            SessionType = StoredNames.ParseSessionType(String(f, "type")),
            AgentId = String(f, "agent_id"),
            TeamId = String(f, "team_id"),
            WorkflowId = String(f, "workflow_id"),
            UserId = String(f, "user_id"),
            SessionData = StorageJson.DeserializeObject(String(f, "session_data"), sessionId, "session_data"),
            Metadata = StorageJson.DeserializeObject(String(f, "metadata"), sessionId, "metadata"),
            AgentData = StorageJson.DeserializeObject(String(f, "agent_data"), sessionId, "agent_data"),
            Summary = String(f, "summary"),
            SummaryWatermark = Long(f, "summary_watermark", sessionId),
            Usage = StorageJson.DeserializeUsage(String(f, "usage"), sessionId),
            CreatedAt = Time(f, "created_at", sessionId),
            UpdatedAt = Time(f, "updated_at", sessionId),
        };
        return new StoredHead(head, Long(f, "run_count", sessionId), Long(f, "message_count", sessionId), Long(f, VersionField, sessionId))
        {
            HistoryEpoch = Long(f, HistoryEpochField, sessionId),
        };
    }

    // ----- run records -----

    /// <summary>A run record's stored JSON (without its messages), written straight to UTF-8 since this runs on every append.
    /// Every field is present, null when unset, as <see cref="ReadRun"/> and earlier versions read it.</summary>
    public static string RunJson(RunRecord run, long storedMessageCount)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = StorageJson.Options.Encoder }))
        {
            writer.WriteStartObject();
            writer.WriteString("run_id", run.RunId);
            writer.WriteString("session_id", run.SessionId);
            writer.WriteNumber("sequence", run.Sequence);
            writer.WriteString("agent_id", run.AgentId);
            writer.WriteString("agent_name", run.AgentName);
            writer.WriteString("user_id", run.UserId);
            writer.WriteString("status", StoredNames.Of(run.Status));
            writer.WriteString("pause_reason", run.PauseReason);
            writer.WriteString("error", run.Error);
            writer.WriteString("input", run.Input);
            writer.WriteString("output", run.Output);
            writer.WritePropertyName("usage");
            if (run.Usage is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                writer.WriteRawValue(StorageJson.SerializeUsage(run.Usage)!, skipInputValidation: true);
            }

            writer.WritePropertyName("metadata");
            if (run.Metadata is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                run.Metadata.WriteTo(writer, StorageJson.Options);
            }

            WriteMillisOrNull(writer, "created_at", run.CreatedAt);
            WriteMillisOrNull(writer, "updated_at", run.UpdatedAt);
            writer.WriteNumber("message_count", storedMessageCount);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteMillisOrNull(Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, StorageClock.ToUnixMilliseconds(v));
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    /// <summary>Reads a stored run record (without messages) and how many of its messages are stored.</summary>
    public static (RunRecord Run, long MessageCount) ReadRun(string json, string sessionId) =>
        Parse(json, $"A stored run of session '{sessionId}'", "ReadRun", sessionId, o =>
        {
            var runId = o["run_id"]?.GetValue<string>() ?? throw new JsonException("The run record has no run_id.");
            var run = new RunRecord
            {
                RunId = runId,
                SessionId = o["session_id"]?.GetValue<string>() ?? sessionId,
                Sequence = o["sequence"]?.GetValue<long>() ?? 0,
                AgentId = o["agent_id"]?.GetValue<string>(),
                AgentName = o["agent_name"]?.GetValue<string>(),
                UserId = o["user_id"]?.GetValue<string>(),
                Status = StoredNames.ParseRunStatus(o["status"]?.GetValue<string>(), runId),
                PauseReason = o["pause_reason"]?.GetValue<string>(),
                Error = o["error"]?.GetValue<string>(),
                Input = o["input"]?.GetValue<string>(),
                Output = o["output"]?.GetValue<string>(),
                Usage = StorageJson.DeserializeUsage(o["usage"]?.ToJsonString(), runId),
                Metadata = o["metadata"] as JsonObject is { } m ? (JsonObject)m.DeepClone() : null,
                CreatedAt = o["created_at"] is { } c ? StorageClock.FromUnixMilliseconds(c.GetValue<long>()) : null,
                UpdatedAt = o["updated_at"] is { } u ? StorageClock.FromUnixMilliseconds(u.GetValue<long>()) : null,
            };
            return (run, o["message_count"]?.GetValue<long>() ?? 0);
        });

    // ----- profiles -----

    public static string UserMemoryJson(UserMemory m) => new JsonObject
    {
        ["user_id"] = m.UserId,
        ["profile"] = m.Profile.DeepClone(),
        ["agent_id"] = m.AgentId,
        ["team_id"] = m.TeamId,
        ["created_at"] = MillisOrNull(m.CreatedAt),
        ["updated_at"] = MillisOrNull(m.UpdatedAt),
    }.ToJsonString(StorageJson.Options);

    public static UserMemory ReadUserMemory(string json, string userId) =>
        Parse(json, $"The stored profile of user '{userId}'", "ReadUserMemory", userId, o => new UserMemory
            {
                UserId = o["user_id"]?.GetValue<string>() ?? userId,
                Profile = o["profile"] switch
                {
                    null => [],
                    JsonObject p => (JsonObject)p.DeepClone(),
                    _ => throw new JsonException("Expected a JSON object in 'profile'."),
                },
                AgentId = o["agent_id"]?.GetValue<string>(),
                TeamId = o["team_id"]?.GetValue<string>(),
                CreatedAt = o["created_at"] is { } c ? StorageClock.FromUnixMilliseconds(c.GetValue<long>()) : null,
                UpdatedAt = o["updated_at"] is { } u ? StorageClock.FromUnixMilliseconds(u.GetValue<long>()) : null,
            });

    // ----- knowledge rows -----

    public static string KnowledgeJson(KnowledgeRow r) => new JsonObject
    {
        ["id"] = r.Id,
        ["name"] = r.Name,
        ["description"] = r.Description,
        ["metadata"] = StorageJson.Clone(r.Metadata),
        ["type"] = r.Type,
        ["size"] = r.Size,
        ["knowledge_base_id"] = r.KnowledgeBaseId,
        ["content_hash"] = r.ContentHash,
        ["chunk_count"] = r.ChunkCount,
        ["source"] = r.Source,
        ["status"] = r.Status,
        ["status_message"] = r.StatusMessage,
        ["access_count"] = r.AccessCount,
        ["created_at"] = MillisOrNull(r.CreatedAt),
        ["updated_at"] = MillisOrNull(r.UpdatedAt),
    }.ToJsonString(StorageJson.Options);

    public static KnowledgeRow ReadKnowledge(string json, string id) =>
        Parse(json, $"The stored knowledge row '{id}'", "ReadKnowledge", id, o => new KnowledgeRow
            {
                Id = o["id"]?.GetValue<string>() ?? id,
                Name = o["name"]?.GetValue<string>() ?? "",
                Description = o["description"]?.GetValue<string>(),
                Metadata = o["metadata"] as JsonObject is { } m ? (JsonObject)m.DeepClone() : null,
                Type = o["type"]?.GetValue<string>(),
                Size = o["size"]?.GetValue<long>(),
                KnowledgeBaseId = o["knowledge_base_id"]?.GetValue<string>(),
                ContentHash = o["content_hash"]?.GetValue<string>(),
                ChunkCount = o["chunk_count"]?.GetValue<int>(),
                Source = o["source"]?.GetValue<string>(),
                Status = o["status"]?.GetValue<string>(),
                StatusMessage = o["status_message"]?.GetValue<string>(),
                AccessCount = o["access_count"]?.GetValue<int>() ?? 0,
                CreatedAt = o["created_at"] is { } c ? StorageClock.FromUnixMilliseconds(c.GetValue<long>()) : null,
                UpdatedAt = o["updated_at"] is { } u ? StorageClock.FromUnixMilliseconds(u.GetValue<long>()) : null,
            });

    // ----- helpers -----

    /// <summary>Parses a stored JSON object; unreadable text is a <see cref="StorageException"/> naming <paramref name="what"/>.</summary>
    private static T Parse<T>(string json, string what, string operation, string recordId, Func<JsonObject, T> read)
    {
        try
        {
            return read(StorageJson.ParseNode(json) as JsonObject ?? throw new JsonException("Expected a JSON object."));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException
            or StorageException { IsCorruptData: true, RecordId: null })
        {
            throw StorageException.CorruptData($"{what} cannot be read: {ex.Message}", ex, operation, recordId);
        }
    }

    public static Dictionary<string, RedisValue> Fields(RedisResult hgetall)
    {
        var items = (RedisResult[])hgetall!;
        var fields = new Dictionary<string, RedisValue>(items.Length / 2, StringComparer.Ordinal);
        for (var i = 0; i + 1 < items.Length; i += 2)
        {
            fields[(string)items[i]!] = (RedisValue)items[i + 1];
        }

        return fields;
    }

    /// <summary>An integer from a script reply or an index (a member, a score or a field); anything else is corrupt data of <paramref name="recordId"/>.</summary>
    public static long Integer(RedisValue value, string recordId)
    {
        if (value.TryParse(out long integer))
        {
            return integer;
        }

        if (value.TryParse(out double real) && real == Math.Floor(real) && real is >= long.MinValue and <= long.MaxValue)
        {
            return (long)real;
        }

        throw StorageException.CorruptData($"A stored index entry or field of record '{recordId}' is not an integer.", null, "Read", recordId);
    }

    /// <inheritdoc cref="Integer(RedisValue, string)"/>
    public static long Integer(RedisResult value, string recordId) =>
        value.Resp2Type is ResultType.Integer or ResultType.BulkString or ResultType.SimpleString
            ? Integer((RedisValue)value, recordId)
            : throw StorageException.CorruptData($"A stored index entry of record '{recordId}' is not an integer.", null, "Read", recordId);

    public static long Millis(DateTimeOffset? value) => value is { } v ? StorageClock.ToUnixMilliseconds(v) : 0;

    private static long? MillisOrNull(DateTimeOffset? value) => value is { } v ? StorageClock.ToUnixMilliseconds(v) : null;

    private static string? String(IReadOnlyDictionary<string, RedisValue> f, string name) =>
        f.TryGetValue(name, out var v) && !v.IsNull ? (string?)v : null;

    private static long Long(IReadOnlyDictionary<string, RedisValue> f, string name, string recordId)
    {
        var text = String(f, name);
        if (text is null)
        {
            return 0;
        }

        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw StorageException.CorruptData($"Stored field '{name}' of record '{recordId}' is not a number.", null, "Read", recordId);
    }

    private static DateTimeOffset? Time(IReadOnlyDictionary<string, RedisValue> f, string name, string recordId) =>
        String(f, name) is null ? null : StorageClock.FromUnixMilliseconds(Long(f, name, recordId), recordId);
}
