using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Upsonic.Storage.Sqlite;

/// <summary>Maps rows to records and records to parameter values; column orders match <see cref="SqliteCommands"/>.</summary>
internal static class SqliteMapping
{
    /// <summary>Reads a session head (without messages or runs), in the kit's column order (<see cref="RecordRowReader"/>).</summary>
    public static AgentSession ReadHead(DbDataReader reader) => RecordRowReader.Default.ReadSessionHead(reader);

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
            CreatedAt = Time(reader, 9, runId),
            UpdatedAt = Time(reader, 10, runId),
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

    /// <summary>Reads a user memory, in the kit's column order (<see cref="RecordRowReader"/>).</summary>
    public static UserMemory ReadUserMemory(DbDataReader reader) => RecordRowReader.Default.ReadUserMemory(reader);

    /// <summary>Reads a knowledge row, in the kit's column order (<see cref="RecordRowReader"/>).</summary>
    public static KnowledgeRow ReadKnowledge(DbDataReader reader) => RecordRowReader.Default.ReadKnowledge(reader);

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

    public static string? Text(DbDataReader reader, int ordinal) => RecordRowReader.Default.Text(reader, ordinal);

    public static DateTimeOffset? Time(DbDataReader reader, int ordinal, string recordId) => RecordRowReader.Default.Time(reader, ordinal, recordId);

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

        throw StorageException.CorruptData($"Stored field '{name}' of run '{runId}' is not a string.", null, "ReadRun", runId);
    }
}
