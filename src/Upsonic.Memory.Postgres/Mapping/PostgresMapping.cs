using System.Data.Common;
using Npgsql;

namespace Upsonic.Storage.Postgres;

/// <summary>
/// Maps rows to records and records to parameters, in the column orders fixed by <see cref="PostgresStatements"/>. Text and
/// jsonb values are decoded with <see cref="PostgresText"/>; timestamps are UTC epoch milliseconds.
/// </summary>
internal static class PostgresMapping
{
    public static AgentSession ReadHead(DbDataReader r)
    {
        var id = Text(r, 0)!;
        return new AgentSession
        {
            SessionId = id,
            SessionType = StoredNames.ParseSessionType(Text(r, 1)),
            AgentId = Text(r, 2),
            TeamId = Text(r, 3),
            WorkflowId = Text(r, 4),
            UserId = Text(r, 5),
            SessionData = Object(r, 6, id, "session_data"),
            AgentData = Object(r, 7, id, "agent_data"),
            Metadata = Object(r, 8, id, "metadata"),
            Summary = Text(r, 9),
            SummaryWatermark = r.GetInt64(10),
            Usage = Usage(r, 11, id),
            CreatedAt = Time(r, 12, id),
            UpdatedAt = Time(r, 13, id),
        };
    }

    /// <summary>A run row without its messages.</summary>
    /// <summary>The ordinal of <c>message_count</c> in a run row (see <see cref="ReadRun"/>).</summary>
    public const int RunMessageCountOrdinal = 13;

    public static RunRecord ReadRun(DbDataReader r)
    {
        var runId = Text(r, 1)!;
        return new RunRecord
        {
            SessionId = Text(r, 0),
            RunId = runId,
            Sequence = r.GetInt64(2),
            Status = StoredNames.ParseRunStatus(Text(r, 3), runId),
            AgentId = Text(r, 4),
            AgentName = Text(r, 5),
            UserId = Text(r, 6),
            PauseReason = Text(r, 7),
            Error = Text(r, 8),
            Input = Text(r, 9),
            Output = Text(r, 10),
            Usage = Usage(r, 11, runId),
            Metadata = Object(r, 12, runId, "metadata"),
            CreatedAt = Time(r, 14, runId),
            UpdatedAt = Time(r, 15, runId),
        };
    }

    /// <summary>Parameters for <see cref="PostgresStatements.UpsertRun"/>.</summary>
    public static NpgsqlParameter[] RunParameters(RunRecord run, string sessionId, long sequence, int messageCount, DateTimeOffset? createdAt, DateTimeOffset? updatedAt) =>
    [
        PostgresParameters.Text(sessionId),
        PostgresParameters.Text(run.RunId),
        PostgresParameters.Long(sequence),
        PostgresParameters.Text(StoredNames.Of(run.Status)),
        PostgresParameters.Text(run.AgentId),
        PostgresParameters.Text(run.AgentName),
        PostgresParameters.Text(run.UserId),
        PostgresParameters.Text(run.PauseReason),
        PostgresParameters.Text(run.Error),
        PostgresParameters.Text(run.Input),
        PostgresParameters.Text(run.Output),
        PostgresParameters.Jsonb(Usage(run.Usage)),
        PostgresParameters.Jsonb(PostgresText.EncodeObject(run.Metadata)),
        PostgresParameters.Int(messageCount),
        PostgresParameters.Long(Millis(createdAt)),
        PostgresParameters.Long(Millis(updatedAt)),
    ];

    /// <summary>Parameters for <see cref="PostgresStatements.AppendWrite"/>: <paramref name="serialized"/> holds every message of the run.</summary>
    public static NpgsqlParameter[] AppendParameters(RunAppend append, long? now, string[] serialized, string? agentName)
    {
        var run = append.Run;
        return
        [
            PostgresParameters.Text(append.SessionId),
            PostgresParameters.Text(run.RunId),
            PostgresParameters.Text(StoredNames.Of(run.Status)),
            PostgresParameters.Text(run.AgentId),
            PostgresParameters.Text(run.AgentName),
            PostgresParameters.Text(run.UserId),
            PostgresParameters.Text(run.PauseReason),
            PostgresParameters.Text(run.Error),
            PostgresParameters.Text(run.Input),
            PostgresParameters.Text(run.Output),
            PostgresParameters.Jsonb(Usage(run.Usage)),
            PostgresParameters.Jsonb(PostgresText.EncodeObject(run.Metadata)),
            PostgresParameters.Long(now),
            PostgresParameters.Bool(append.AddToHistory),
            PostgresParameters.RawTextArray(serialized),
            PostgresParameters.Text(agentName),
        ];
    }

    public static UserMemory ReadUserMemory(DbDataReader r)
    {
        var id = Text(r, 0)!;
        return new UserMemory
        {
            UserId = id,
            Profile = Object(r, 1, id, "user_memory") ?? [],
            AgentId = Text(r, 2),
            TeamId = Text(r, 3),
            CreatedAt = Time(r, 4, id),
            UpdatedAt = Time(r, 5, id),
        };
    }

    public static KnowledgeRow ReadKnowledge(DbDataReader r)
    {
        var id = Text(r, 0)!;
        return new KnowledgeRow
        {
            Id = id,
            Name = Text(r, 1)!,
            Description = Text(r, 2),
            Metadata = Object(r, 3, id, "metadata"),
            Type = Text(r, 4),
            Size = r.IsDBNull(5) ? null : r.GetInt64(5),
            KnowledgeBaseId = Text(r, 6),
            ContentHash = Text(r, 7),
            ChunkCount = r.IsDBNull(8) ? null : r.GetInt32(8),
            Source = Text(r, 9),
            Status = Text(r, 10),
            StatusMessage = Text(r, 11),
            AccessCount = r.GetInt32(12),
            CreatedAt = Time(r, 13, id),
            UpdatedAt = Time(r, 14, id),
        };
    }

    /// <summary>Parameters $1..$13 for <see cref="PostgresStatements.UpsertKnowledge"/> (the timestamps are added by the caller).</summary>
    public static NpgsqlParameter[] KnowledgeParameters(KnowledgeRow row) =>
    [
        PostgresParameters.Text(row.Id),
        PostgresParameters.Text(row.Name),
        PostgresParameters.Text(row.Description),
        PostgresParameters.Jsonb(PostgresText.EncodeObject(row.Metadata)),
        PostgresParameters.Text(row.Type),
        PostgresParameters.Long(row.Size),
        PostgresParameters.Text(row.KnowledgeBaseId),
        PostgresParameters.Text(row.ContentHash),
        PostgresParameters.Int(row.ChunkCount),
        PostgresParameters.Text(row.Source),
        PostgresParameters.Text(row.Status),
        PostgresParameters.Text(row.StatusMessage),
        PostgresParameters.Int(row.AccessCount),
    ];

    public static string? Text(DbDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : PostgresText.Decode(r.GetString(ordinal));

    public static string? Usage(Microsoft.Extensions.AI.UsageDetails? usage) => PostgresText.EncodeJson(StorageJson.SerializeUsage(usage));

    public static Microsoft.Extensions.AI.UsageDetails? Usage(DbDataReader r, int ordinal, string recordId) =>
        r.IsDBNull(ordinal) ? null : StorageJson.DeserializeUsage(PostgresText.DecodeJson(r.GetString(ordinal)), recordId);

    public static System.Text.Json.Nodes.JsonObject? Object(DbDataReader r, int ordinal, string recordId, string field) =>
        r.IsDBNull(ordinal) ? null : StorageJson.DeserializeObject(PostgresText.DecodeJson(r.GetString(ordinal)), recordId, field);

    public static DateTimeOffset? Time(DbDataReader r, int ordinal, string recordId) =>
        r.IsDBNull(ordinal) ? null : StorageClock.FromUnixMilliseconds(r.GetInt64(ordinal), recordId);

    public static long? Millis(DateTimeOffset? value) => value is { } v ? StorageClock.ToUnixMilliseconds(v) : null;
}
