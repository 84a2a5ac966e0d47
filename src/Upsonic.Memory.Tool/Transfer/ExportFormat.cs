using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Upsonic.Storage;

namespace Upsonic.Memory.Tool.Transfer;

/// <summary>
/// The versioned JSON-lines export format (docs/tool.md, "Export format"): one JSON object per line, each with a <c>kind</c>.
/// A file is a <c>header</c>, then per session a <c>session</c> line, its <c>run</c> lines, its <c>message</c> lines and a
/// <c>session_end</c> line (counts and checksum), then <c>user_memory</c> and <c>knowledge</c> lines, then a <c>footer</c>
/// with the totals (a file without one was cut off).
/// </summary>
internal static class ExportFormat
{
    /// <summary>The value of the header's <c>format</c>.</summary>
    public const string Name = "upsonic-memory-export";

    /// <summary>The version this tool writes and reads. A reader refuses a higher one.</summary>
    public const int Version = 1;

    /// <summary>The line kinds.</summary>
    public const string Header = "header", Session = "session", Run = "run", Message = "message", SessionEnd = "session_end",
        UserMemory = "user_memory", Knowledge = "knowledge", Footer = "footer";

    /// <summary>Compact, and non-ASCII text written as is (the file is UTF-8).</summary>
    public static JsonSerializerOptions LineOptions { get; } = new()
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The header line.</summary>
    public static JsonObject HeaderLine(string source, DateTimeOffset exportedAt, JsonObject? filter) => new()
    {
        ["kind"] = Header,
        ["format"] = Name,
        ["version"] = Version,
        ["exported_at"] = RecordJson.Time(exportedAt),
        ["source"] = source,
        ["filter"] = filter,
    };

    /// <summary>A session's head line.</summary>
    public static JsonObject SessionLine(AgentSession head) => new() { ["kind"] = Session, ["session"] = RecordJson.Head(head) };

    /// <summary>A run line (the run's messages are message lines).</summary>
    public static JsonObject RunLine(string sessionId, SessionRunRow row) => new()
    {
        ["kind"] = Run,
        ["session_id"] = sessionId,
        ["message_count"] = row.MessageCount,
        ["run"] = RecordJson.Run(row.Run),
    };

    /// <summary>A message line: the message with its place in the session.</summary>
    public static JsonObject MessageLine(string sessionId, SessionMessageRow row) => new()
    {
        ["kind"] = Message,
        ["session_id"] = sessionId,
        ["sequence"] = row.Sequence,
        ["turn"] = row.Turn,
        ["run_id"] = row.RunId,
        ["in_history"] = row.InHistory,
        ["message"] = RecordJson.Message(row.Message),
    };

    /// <summary>The line that closes a session: what it held and its checksum.</summary>
    public static JsonObject SessionEndLine(string sessionId, SessionDigest digest) => new()
    {
        ["kind"] = SessionEnd,
        ["session_id"] = sessionId,
        ["runs"] = digest.Runs,
        ["messages"] = digest.Messages,
        ["checksum"] = digest.Checksum,
    };

    /// <summary>A profile line.</summary>
    public static JsonObject UserMemoryLine(UserMemory memory) => new() { ["kind"] = UserMemory, ["user_memory"] = RecordJson.UserMemory(memory) };

    /// <summary>A knowledge-row line.</summary>
    public static JsonObject KnowledgeLine(KnowledgeRow row) => new() { ["kind"] = Knowledge, ["knowledge"] = RecordJson.Knowledge(row) };

    /// <summary>The last line: the totals.</summary>
    public static JsonObject FooterLine(TransferTotals totals) => new()
    {
        ["kind"] = Footer,
        ["sessions"] = totals.Sessions,
        ["runs"] = totals.Runs,
        ["messages"] = totals.Messages,
        ["user_memories"] = totals.UserMemories,
        ["knowledge"] = totals.Knowledge,
    };

    /// <summary>A line's text (without the newline).</summary>
    public static string Text(JsonObject line) => line.ToJsonString(LineOptions);
}
