using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Upsonic.Storage.Backends;

/// <summary>
/// Reads session heads, user memories and knowledge rows from the rows of a SQL engine (any <see cref="DbDataReader"/>) in one
/// column order, so every relational backend maps a row to a record the same way and keeps only how its engine returns a
/// column: override <see cref="Text"/> and <see cref="Json"/> when the engine encodes stored text (PostgreSQL escapes NUL).
/// </summary>
/// <remarks>
/// <para>The engine's SELECT lists return the columns in these orders (the names are upstream's):</para>
/// <list type="bullet">
/// <item>session head (<see cref="ReadSessionHead"/>): session_id, session_type, agent_id, team_id, workflow_id, user_id,
/// session_data, agent_data, metadata, summary, summary_watermark, usage, created_at, updated_at;</item>
/// <item>user memory (<see cref="ReadUserMemory"/>): user_id, user_memory, agent_id, team_id, created_at, updated_at;</item>
/// <item>knowledge (<see cref="ReadKnowledge"/>): id, name, description, metadata, type, size, knowledge_base_id, content_hash,
/// chunk_count, source, status, status_message, access_count, created_at, updated_at.</item>
/// </list>
/// <para>JSON columns hold <see cref="StorageJson"/> text, session types and run statuses <see cref="StoredNames"/>, times UTC Unix
/// milliseconds (<see cref="StorageClock"/>). Unreadable stored values are a <see cref="StorageException"/> naming the record
/// (<see cref="StorageException.IsCorruptData"/>). Instances hold no state and are safe to share between threads.</para>
/// </remarks>
[Experimental(StorageBase.ExperimentalDiagnosticId)]
public class RecordRowReader
{
    /// <summary>The reader for an engine that returns stored text as it was written (SQLite, most engines).</summary>
    public static RecordRowReader Default { get; } = new();

    /// <summary>A text column, <see langword="null"/> for SQL NULL. The default returns the engine's string unchanged.</summary>
    /// <param name="row">The current row.</param>
    /// <param name="ordinal">The column's position.</param>
    public virtual string? Text(DbDataReader row, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.IsDBNull(ordinal) ? null : row.GetString(ordinal);
    }

    /// <summary>A JSON column's <see cref="StorageJson"/> text, <see langword="null"/> for SQL NULL. The default is <see cref="Text"/>.</summary>
    /// <param name="row">The current row.</param>
    /// <param name="ordinal">The column's position.</param>
    public virtual string? Json(DbDataReader row, int ordinal) => Text(row, ordinal);

    /// <summary>A JSON object column (metadata, session data, a profile), or <see langword="null"/>.</summary>
    /// <param name="row">The current row.</param>
    /// <param name="ordinal">The column's position.</param>
    /// <param name="recordId">The record the row belongs to, named in errors.</param>
    /// <param name="field">The column's name, named in errors.</param>
    public JsonObject? Object(DbDataReader row, int ordinal, string recordId, string field) =>
        StorageJson.DeserializeObject(Json(row, ordinal), recordId, field);

    /// <summary>A usage column, or <see langword="null"/>.</summary>
    /// <param name="row">The current row.</param>
    /// <param name="ordinal">The column's position.</param>
    /// <param name="recordId">The record the row belongs to, named in errors.</param>
    public UsageDetails? Usage(DbDataReader row, int ordinal, string recordId) =>
        StorageJson.DeserializeUsage(Json(row, ordinal), recordId);

    /// <summary>A Unix-milliseconds time column, or <see langword="null"/>.</summary>
    /// <param name="row">The current row.</param>
    /// <param name="ordinal">The column's position.</param>
    /// <param name="recordId">The record the row belongs to, named in errors.</param>
    public DateTimeOffset? Time(DbDataReader row, int ordinal, string recordId)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.IsDBNull(ordinal) ? null : StorageClock.FromUnixMilliseconds(row.GetInt64(ordinal), recordId);
    }

    /// <summary>A session head (no messages or runs) from a row in the session-head column order.</summary>
    /// <param name="row">The current row.</param>
    public AgentSession ReadSessionHead(DbDataReader row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var id = Text(row, 0)!;
        return new AgentSession
        {
            SessionId = id,
            SessionType = StoredNames.ParseSessionType(Text(row, 1)),
            AgentId = Text(row, 2),
            TeamId = Text(row, 3),
            WorkflowId = Text(row, 4),
            UserId = Text(row, 5),
            SessionData = Object(row, 6, id, "session_data"),
            AgentData = Object(row, 7, id, "agent_data"),
            Metadata = Object(row, 8, id, "metadata"),
            Summary = Text(row, 9),
            SummaryWatermark = row.GetInt64(10),
            Usage = Usage(row, 11, id),
            CreatedAt = Time(row, 12, id),
            UpdatedAt = Time(row, 13, id),
        };
    }

    /// <summary>A user memory from a row in the user-memory column order.</summary>
    /// <param name="row">The current row.</param>
    public UserMemory ReadUserMemory(DbDataReader row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var id = Text(row, 0)!;
        return new UserMemory
        {
            UserId = id,
            Profile = Object(row, 1, id, "user_memory") ?? [],
            AgentId = Text(row, 2),
            TeamId = Text(row, 3),
            CreatedAt = Time(row, 4, id),
            UpdatedAt = Time(row, 5, id),
        };
    }

    /// <summary>A knowledge row from a row in the knowledge column order.</summary>
    /// <param name="row">The current row.</param>
    public KnowledgeRow ReadKnowledge(DbDataReader row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var id = Text(row, 0)!;
        return new KnowledgeRow
        {
            Id = id,
            Name = Text(row, 1)!,
            Description = Text(row, 2),
            Metadata = Object(row, 3, id, "metadata"),
            Type = Text(row, 4),
            Size = row.IsDBNull(5) ? null : row.GetInt64(5),
            KnowledgeBaseId = Text(row, 6),
            ContentHash = Text(row, 7),
            ChunkCount = row.IsDBNull(8) ? null : row.GetInt32(8),
            Source = Text(row, 9),
            Status = Text(row, 10),
            StatusMessage = Text(row, 11),
            AccessCount = row.GetInt32(12),
            CreatedAt = Time(row, 13, id),
            UpdatedAt = Time(row, 14, id),
        };
    }
}
