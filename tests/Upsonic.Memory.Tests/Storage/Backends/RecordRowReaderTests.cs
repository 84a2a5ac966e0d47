using System.Data;
using System.Data.Common;
using Upsonic.Storage;

namespace Upsonic.Memory.Tests.Storage.Backends;

// Rows come from System.Data's DataTableReader, a real DbDataReader over in-memory columns (no engine needed for the column order).
public sealed class RecordRowReaderTests
{
    private static DbDataReader Row(params (string Name, Type Type, object? Value)[] columns)
    {
        var table = new DataTable();
        foreach (var (name, type, _) in columns)
        {
            table.Columns.Add(name, type);
        }

        table.Rows.Add([.. columns.Select(c => c.Value ?? DBNull.Value)]);
        var reader = table.CreateDataReader();
        Assert.True(reader.Read());
        return reader;
    }

    private static DbDataReader KnowledgeRow(string metadata) => Row(
        ("id", typeof(string), "doc-1"), ("name", typeof(string), "Guide"), ("description", typeof(string), null),
        ("metadata", typeof(string), metadata), ("type", typeof(string), "pdf"), ("size", typeof(long), 2048L),
        ("knowledge_base_id", typeof(string), "kb"), ("content_hash", typeof(string), "h1"), ("chunk_count", typeof(int), null),
        ("source", typeof(string), "upload"), ("status", typeof(string), "done"), ("status_message", typeof(string), null),
        ("access_count", typeof(int), 3), ("created_at", typeof(long), 1_700_000_000_000L), ("updated_at", typeof(long), 1_700_000_000_500L));

    [Fact]
    public void A_knowledge_row_is_read_in_the_kits_column_order_with_nulls_kept()
    {
        var row = RecordRowReader.Default.ReadKnowledge(KnowledgeRow("""{"lang":"en"}"""));

        Assert.Equal(("doc-1", "Guide", "pdf", "kb", "h1", "upload", "done"), (row.Id, row.Name, row.Type, row.KnowledgeBaseId, row.ContentHash, row.Source, row.Status));
        Assert.Equal((2048L, 3), (row.Size, row.AccessCount));
        Assert.Null(row.Description);
        Assert.Null(row.ChunkCount);
        Assert.Equal("en", (string?)row.Metadata?["lang"]);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_500L), row.UpdatedAt);
    }

    [Fact]
    public void An_unreadable_json_column_is_corrupt_data_naming_the_record()
    {
        var error = Assert.Throws<StorageException>(() => RecordRowReader.Default.ReadKnowledge(KnowledgeRow("{ not json")));

        Assert.True(error.IsCorruptData);
        Assert.Contains("doc-1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_session_head_and_a_user_memory_are_read_through_the_engines_own_text_decoding()
    {
        var reader = new UpperCaseTextReader();
        var head = reader.ReadSessionHead(Row(
            ("session_id", typeof(string), "s1"), ("session_type", typeof(string), "team"), ("agent_id", typeof(string), "a"),
            ("team_id", typeof(string), null), ("workflow_id", typeof(string), null), ("user_id", typeof(string), "u"),
            ("session_data", typeof(string), null), ("agent_data", typeof(string), """{"agent_name":"x"}"""), ("metadata", typeof(string), null),
            ("summary", typeof(string), "sum"), ("summary_watermark", typeof(long), 4L), ("usage", typeof(string), """{"inputTokenCount":7}"""),
            ("created_at", typeof(long), 1L), ("updated_at", typeof(long), 2L)));
        var memory = reader.ReadUserMemory(Row(
            ("user_id", typeof(string), "u1"), ("user_memory", typeof(string), """{"name":"Alice"}"""), ("agent_id", typeof(string), null),
            ("team_id", typeof(string), "t"), ("created_at", typeof(long), 1L), ("updated_at", typeof(long), null)));

        Assert.Equal(("S1", "A", "U", "SUM", 4L), (head.SessionId, head.AgentId, head.UserId, head.Summary, head.SummaryWatermark));
        Assert.Equal(SessionType.Agent, head.SessionType); // "TEAM" is not a stored name: read as agent, as upstream.
        Assert.Equal("x", (string?)head.AgentData?["agent_name"]);
        Assert.Equal(7, head.Usage?.InputTokenCount);
        Assert.Equal(("U1", "T", "Alice"), (memory.UserId, memory.TeamId, (string?)memory.Profile["name"]));
        Assert.Null(memory.UpdatedAt);
    }

    // An engine whose text columns need decoding: here upper-casing, so the test sees which columns went through Text and which through Json.
    private sealed class UpperCaseTextReader : RecordRowReader
    {
        public override string? Text(DbDataReader row, int ordinal) => base.Text(row, ordinal)?.ToUpperInvariant();

        public override string? Json(DbDataReader row, int ordinal) => base.Text(row, ordinal);
    }
}
