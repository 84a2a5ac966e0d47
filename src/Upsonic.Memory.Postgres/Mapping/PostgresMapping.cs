using System.Data.Common;
using Npgsql;

namespace Upsonic.Storage.Postgres;

/// <summary>
/// Maps rows to records and records to parameters, in the column orders fixed by <see cref="PostgresStatements"/>: heads, user
/// memories and knowledge rows through the kit's <see cref="RecordRowReader"/> (with <see cref="PostgresRowReader"/>'s
/// decoding), runs and parameters here. Text and jsonb values pass through <see cref="PostgresText"/>; timestamps are UTC epoch
/// milliseconds.
/// </summary>
internal static class PostgresMapping
{
    private static readonly PostgresRowReader Rows = PostgresRowReader.Instance;

    public static AgentSession ReadHead(DbDataReader r) => Rows.ReadSessionHead(r);

    /// <summary>The ordinal of <c>message_count</c> in a run row (see <see cref="ReadRun"/>).</summary>
    public const int RunMessageCountOrdinal = 13;

    /// <summary>A run row without its messages.</summary>
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
        .. RunFields(run),
        PostgresParameters.Int(messageCount),
        PostgresParameters.Long(Millis(createdAt)),
        PostgresParameters.Long(Millis(updatedAt)),
    ];

    /// <summary>Parameters for <see cref="PostgresStatements.AppendWrite"/>: <paramref name="serialized"/> holds every message of the run.</summary>
    public static NpgsqlParameter[] AppendParameters(RunAppend append, long? now, string[] serialized, string? agentName) =>
    [
        PostgresParameters.Text(append.SessionId),
        PostgresParameters.Text(append.Run.RunId),
        .. RunFields(append.Run),
        PostgresParameters.Long(now),
        PostgresParameters.Bool(append.AddToHistory),
        PostgresParameters.RawTextArray(serialized),
        PostgresParameters.Text(agentName),
        PostgresParameters.IntArray(Array.ConvertAll(serialized, MessageTokens.Estimate)),
    ];

    /// <summary>The run columns from <c>status</c> to <c>metadata</c>, in <see cref="PostgresStatements.RunColumns"/> order.</summary>
    private static NpgsqlParameter[] RunFields(RunRecord run) =>
    [
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
    ];

    public static UserMemory ReadUserMemory(DbDataReader r) => Rows.ReadUserMemory(r);

    public static KnowledgeRow ReadKnowledge(DbDataReader r) => Rows.ReadKnowledge(r);

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

    public static string? Text(DbDataReader r, int ordinal) => Rows.Text(r, ordinal);

    public static string? Usage(Microsoft.Extensions.AI.UsageDetails? usage) => PostgresText.EncodeJson(StorageJson.SerializeUsage(usage));

    public static Microsoft.Extensions.AI.UsageDetails? Usage(DbDataReader r, int ordinal, string recordId) => Rows.Usage(r, ordinal, recordId);

    public static System.Text.Json.Nodes.JsonObject? Object(DbDataReader r, int ordinal, string recordId, string field) => Rows.Object(r, ordinal, recordId, field);

    public static DateTimeOffset? Time(DbDataReader r, int ordinal, string recordId) => Rows.Time(r, ordinal, recordId);

    public static long? Millis(DateTimeOffset? value) => value is { } v ? StorageClock.ToUnixMilliseconds(v) : null;
}
