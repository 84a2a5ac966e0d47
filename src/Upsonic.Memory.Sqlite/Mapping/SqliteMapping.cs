using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Upsonic.Storage.Sqlite;

/// <summary>Maps rows to records and records to parameter values; column orders match <see cref="SqliteCommands"/>.</summary>
internal static class SqliteMapping
{
    /// <summary>Reads a session head (without messages or runs).</summary>
    public static AgentSession ReadHead(DbDataReader reader)
    {
        var id = reader.GetString(0);
        return new AgentSession
        {
            SessionId = id,
            SessionType = StoredNames.ParseSessionType(Text(reader, 1)),
            AgentId = Text(reader, 2),
            TeamId = Text(reader, 3),
            WorkflowId = Text(reader, 4),
            UserId = Text(reader, 5),
            SessionData = StorageJson.DeserializeObject(Text(reader, 6), id, "session_data"),
            AgentData = StorageJson.DeserializeObject(Text(reader, 7), id, "agent_data"),
            Metadata = StorageJson.DeserializeObject(Text(reader, 8), id, "metadata"),
            Summary = Text(reader, 9),
            SummaryWatermark = reader.GetInt64(10),
            Usage = StorageJson.DeserializeUsage(Text(reader, 11), id),
            CreatedAt = Time(reader, 12),
            UpdatedAt = Time(reader, 13),
        };
    }

    /// <summary>Reads a run row (without messages) and the number of messages it has stored.</summary>
    public static (RunRecord Run, int MessageCount) ReadRun(DbDataReader reader)
    {
        var runId = reader.GetString(1);
        var fields = StorageJson.DeserializeObject(reader.GetString(5), runId, "fields") ?? [];
        var run = new RunRecord
        {
            SessionId = reader.GetString(0),
            RunId = runId,
            Sequence = reader.GetInt64(2),
            AgentId = Text(reader, 3),
            Status = StoredNames.ParseRunStatus(Text(reader, 4), runId),
            AgentName = Field(fields, "agent_name", runId),
            UserId = Field(fields, "user_id", runId),
            PauseReason = Field(fields, "pause_reason", runId),
            Error = Field(fields, "error", runId),
            Input = Field(fields, "input", runId),
            Output = Field(fields, "output", runId),
            Usage = StorageJson.DeserializeUsage(Text(reader, 6), runId),
            Metadata = StorageJson.DeserializeObject(Text(reader, 7), runId, "metadata"),
            CreatedAt = Time(reader, 9),
            UpdatedAt = Time(reader, 10),
        };
        return (run, reader.GetInt32(8));
    }

    /// <summary>The run's scalar fields that no query filters on, stored together as one JSON object.</summary>
    public static string RunFields(RunRecord run) => new JsonObject
    {
        ["agent_name"] = run.AgentName,
        ["user_id"] = run.UserId,
        ["pause_reason"] = run.PauseReason,
        ["error"] = run.Error,
        ["input"] = run.Input,
        ["output"] = run.Output,
    }.ToJsonString(StorageJson.Options);

    public static UserMemory ReadUserMemory(DbDataReader reader)
    {
        var userId = reader.GetString(0);
        return new UserMemory
        {
            UserId = userId,
            Profile = StorageJson.DeserializeObject(reader.GetString(1), userId, "user_memory") ?? [],
            AgentId = Text(reader, 2),
            TeamId = Text(reader, 3),
            CreatedAt = Time(reader, 4),
            UpdatedAt = Time(reader, 5),
        };
    }

    public static KnowledgeRow ReadKnowledge(DbDataReader reader)
    {
        var id = reader.GetString(0);
        return new KnowledgeRow
        {
            Id = id,
            Name = reader.GetString(1),
            Description = Text(reader, 2),
            Metadata = StorageJson.DeserializeObject(Text(reader, 3), id, "metadata"),
            Type = Text(reader, 4),
            Size = reader.IsDBNull(5) ? null : reader.GetInt64(5),
            KnowledgeBaseId = Text(reader, 6),
            ContentHash = Text(reader, 7),
            ChunkCount = reader.IsDBNull(8) ? null : reader.GetInt32(8),
            Source = Text(reader, 9),
            Status = Text(reader, 10),
            StatusMessage = Text(reader, 11),
            AccessCount = reader.GetInt32(12),
            CreatedAt = Time(reader, 13),
            UpdatedAt = Time(reader, 14),
        };
    }

    /// <summary>Binds a value, sending <see langword="null"/> as SQL NULL.</summary>
    public static SqliteCommand Bind(this SqliteCommand command, string name, object? value)
    {
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    /// <summary>Binds a timestamp as unix milliseconds.</summary>
    public static SqliteCommand BindTime(this SqliteCommand command, string name, DateTimeOffset? value) =>
        command.Bind(name, value is { } v ? StorageClock.ToUnixMilliseconds(v) : null);

    /// <summary>Binds a list of ids as one JSON array (expanded in SQL with json_each), or NULL for "no filter".</summary>
    public static SqliteCommand BindIds(this SqliteCommand command, string name, IEnumerable<string>? ids) =>
        command.Bind(name, ids is null ? null : JsonSerializer.Serialize(ids.ToArray(), StorageJson.Options));

    /// <summary>Binds a page: SQLite reads LIMIT -1 as "no limit".</summary>
    public static SqliteCommand BindPage(this SqliteCommand command, int? limit, int? offset) =>
        command.Bind("@limit", limit ?? -1).Bind("@offset", Math.Max(offset ?? 0, 0));

    public static string? Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static DateTimeOffset? Time(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : StorageClock.FromUnixMilliseconds(reader.GetInt64(ordinal));

    private static string? Field(JsonObject fields, string name, string runId)
    {
        var node = fields[name];
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue value && value.TryGetValue<string>(out var text))
        {
            return text;
        }

        throw new StorageException($"Stored field '{name}' of run '{runId}' is not a string.", null, "ReadRun", runId);
    }
}
