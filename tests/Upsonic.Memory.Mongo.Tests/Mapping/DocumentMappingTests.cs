using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using MongoDB.Bson;
using Upsonic.Storage;
using Upsonic.Storage.Mongo;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Mongo.Tests.Mapping;

public sealed class DocumentMappingTests
{
    private static readonly DateTimeOffset Created = TestData.BaseTime;
    private static readonly DateTimeOffset Updated = TestData.BaseTime.AddMinutes(5).AddMilliseconds(7);

    public static TheoryData<int> RichMessageIndexes() => new(Enumerable.Range(0, TestData.RichMessages().Count));

    [Theory]
    [MemberData(nameof(RichMessageIndexes))]
    public void Every_message_content_kind_round_trips_exactly_through_a_message_document(int index)
    {
        var message = TestData.RichMessages()[index];
        var row = new MessageRow(41, 7, "run-1", true, message);

        var back = MessageDocuments.Read(BsonRoundTrip.ThroughBytes(MessageDocuments.Write("s-1", row, 3)));

        Assert.Equal(TestData.Json(message), TestData.Json(back.Message));
        Assert.Equal((41L, 7L, "run-1", true), (back.Sequence, back.Turn, back.RunId, back.InHistory));
    }

    [Fact]
    public void Binary_data_keeps_every_byte()
    {
        var bytes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var message = new ChatMessage(ChatRole.User, [new DataContent(bytes, "application/octet-stream"), new UriContent(new Uri("https://example.com/a.png"), "image/png")]);

        var back = MessageDocuments.Read(BsonRoundTrip.ThroughBytes(MessageDocuments.Write("s", new MessageRow(1, 1, null, true, message), null)));

        Assert.Equal(bytes, Assert.IsType<DataContent>(back.Message.Contents[0]).Data.ToArray());
        Assert.Equal(TestData.Json(message), TestData.Json(back.Message));
    }

    [Fact]
    public void A_history_row_without_a_run_has_no_run_fields_so_the_partial_run_index_skips_it()
    {
        var document = MessageDocuments.Write("s", new MessageRow(1, 1, null, true, TestData.User("hi")), null);
        Assert.False(document.Contains(MessageDocuments.RunId));
        Assert.False(document.Contains(MessageDocuments.Index));
        Assert.Equal(BsonType.String, document[MessageDocuments.Message].BsonType);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("null")]
    public void An_unreadable_stored_message_fails_with_a_storage_exception_naming_it(string stored)
    {
        var document = MessageDocuments.Write("s-9", 12, 3, null, null, true, stored);
        var error = Assert.Throws<StorageException>(() => MessageDocuments.Read(document));
        Assert.Contains("s-9", error.Message);
        Assert.Contains("12", error.Message);
    }

    [Fact]
    public void A_message_stored_as_something_other_than_text_is_reported_as_corrupt()
    {
        var document = MessageDocuments.Write("s", 2, 1, null, null, true, "{}");
        document[MessageDocuments.Message] = new BsonDocument("x", 1);
        Assert.Throws<StorageException>(() => MessageDocuments.Read(document));
    }

    [Fact]
    public void A_session_head_round_trips_every_field()
    {
        var session = new AgentSession
        {
            SessionId = "s-1",
            SessionType = SessionType.Team,
            AgentId = "a",
            TeamId = "t",
            WorkflowId = "w",
            UserId = "u",
            SessionData = TestData.RichMap(),
            Metadata = new JsonObject { ["a.b"] = 1, ["$x"] = "y" },
            AgentData = new JsonObject { ["agent_name"] = "helper" },
            Summary = "so far",
            SummaryWatermark = 9,
            Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5, AdditionalCounts = new() { ["cache.read"] = 3 } },
        };
        var update = Render.Update(SessionDocuments.Replace(session, 4, 12, Created, Updated)).AsBsonDocument;
        var stored = new BsonDocument(SessionDocuments.Id, "s-1").AddRange(update["$set"].AsBsonDocument).AddRange(update["$setOnInsert"].AsBsonDocument);

        var back = SessionDocuments.Read(BsonRoundTrip.ThroughBytes(stored));

        Assert.Equal((SessionType.Team, "a", "t", "w", "u"), (back.SessionType, back.AgentId, back.TeamId, back.WorkflowId, back.UserId));
        TestData.SameJson(session.SessionData, back.SessionData);
        TestData.SameJson(session.Metadata, back.Metadata);
        TestData.SameJson(session.AgentData, back.AgentData);
        Assert.Equal(("so far", 9L), (back.Summary, back.SummaryWatermark));
        Assert.Equal((10L, 5L, 3L), (back.Usage!.InputTokenCount, back.Usage.OutputTokenCount, back.Usage.AdditionalCounts!["cache.read"]));
        Assert.Equal((Created, Updated), (back.CreatedAt, back.UpdatedAt));
        Assert.Equal(4, stored[SessionDocuments.RunCount].ToInt64());
        Assert.Equal(12, stored[SessionDocuments.MessageCount].ToInt64());
    }

    [Fact]
    public void Null_maps_of_a_head_are_removed_rather_than_stored_as_null_so_key_merges_keep_working()
    {
        var update = Render.Update(SessionDocuments.Replace(new AgentSession { SessionId = "s" }, 0, 0, Created, Updated)).AsBsonDocument;
        var unset = update["$unset"].AsBsonDocument;
        Assert.Equal(["session_data", "metadata", "agent_data"], unset.Names.ToArray());
        Assert.False(update["$set"].AsBsonDocument.Contains("metadata"));
        Assert.Equal(1, update["$inc"]["version"].ToInt64());
    }

    [Theory]
    [InlineData(RunStatus.Running)]
    [InlineData(RunStatus.Completed)]
    [InlineData(RunStatus.Paused)]
    [InlineData(RunStatus.Cancelled)]
    [InlineData(RunStatus.Error)]
    public void A_run_round_trips_every_field(RunStatus status)
    {
        var run = new RunRecord
        {
            RunId = "r-1",
            SessionId = "s-1",
            Sequence = 3,
            AgentId = "a",
            AgentName = "helper",
            UserId = "u",
            Status = status,
            PauseReason = "approval",
            Error = "boom",
            Input = "question",
            Output = "answer",
            Usage = TestData.Usage(7, 8),
            Metadata = TestData.RichMap(),
            CreatedAt = Created,
            UpdatedAt = Updated,
        };

        var document = BsonRoundTrip.ThroughBytes(RunDocuments.Write("s-1", run, 6));
        var back = RunDocuments.Read(document);

        Assert.Equal(("r-1", "s-1", 3L, "a", "helper", "u"), (back.RunId, back.SessionId, back.Sequence, back.AgentId, back.AgentName, back.UserId));
        Assert.Equal((status, "approval", "boom", "question", "answer"), (back.Status, back.PauseReason, back.Error, back.Input, back.Output));
        Assert.Equal((7L, 8L, 15L), (back.Usage!.InputTokenCount, back.Usage.OutputTokenCount, back.Usage.TotalTokenCount));
        TestData.SameJson(run.Metadata, back.Metadata);
        Assert.Equal((Created, Updated), (back.CreatedAt, back.UpdatedAt));
        Assert.Equal(6, RunDocuments.StoredMessageCount(document));
    }

    [Fact]
    public void A_run_with_an_unknown_status_fails_with_a_storage_exception_naming_it()
    {
        var document = RunDocuments.Write("s", new RunRecord { RunId = "r-bad" }, 0);
        document[RunDocuments.Status] = "EXPLODED";
        Assert.Contains("r-bad", Assert.Throws<StorageException>(() => RunDocuments.Read(document)).Message);
    }

    [Fact]
    public void A_user_memory_round_trips_through_its_upsert()
    {
        var memory = new UserMemory { UserId = "u-1", Profile = TestData.RichMap(), AgentId = "a", TeamId = "t", CreatedAt = Created };
        var update = Render.Update(UserMemoryDefinitions.Upsert(memory, Updated)).AsBsonDocument;
        var stored = new BsonDocument("_id", "u-1").AddRange(update["$set"].AsBsonDocument).AddRange(update["$setOnInsert"].AsBsonDocument);

        var back = UserMemoryDocuments.Read(BsonRoundTrip.ThroughBytes(stored));

        TestData.SameJson(memory.Profile, back.Profile);
        Assert.Equal(("u-1", "a", "t", Created, Updated), (back.UserId, back.AgentId, back.TeamId, back.CreatedAt!.Value, back.UpdatedAt!.Value));
    }

    [Fact]
    public void A_knowledge_row_round_trips_through_its_upsert()
    {
        var row = new KnowledgeRow
        {
            Id = "k-1",
            Name = "doc.pdf",
            Description = "a document",
            Metadata = TestData.RichMap(),
            Type = "pdf",
            Size = 5_000_000_000,
            KnowledgeBaseId = "kb",
            ContentHash = "abc",
            ChunkCount = 12,
            Source = "/tmp/doc.pdf",
            Status = "completed",
            StatusMessage = "ok",
            AccessCount = 4,
            CreatedAt = Created,
        };
        var update = Render.Update(KnowledgeDefinitions.Upsert(row, Updated)).AsBsonDocument;
        var stored = new BsonDocument("_id", "k-1").AddRange(update["$set"].AsBsonDocument);

        var back = KnowledgeDocuments.Read(BsonRoundTrip.ThroughBytes(stored));

        Assert.Equal(("doc.pdf", "a document", "pdf", 5_000_000_000L, "kb"), (back.Name, back.Description, back.Type, back.Size!.Value, back.KnowledgeBaseId));
        Assert.Equal(("abc", 12, "/tmp/doc.pdf", "completed", "ok", 4), (back.ContentHash, back.ChunkCount!.Value, back.Source, back.Status, back.StatusMessage, back.AccessCount));
        TestData.SameJson(row.Metadata, back.Metadata);
        Assert.Equal((Created, Updated), (back.CreatedAt!.Value, back.UpdatedAt!.Value));
    }

    [Fact]
    public void A_whole_session_layout_maps_to_documents_and_back()
    {
        var session = new AgentSession
        {
            SessionId = "s-1",
            Messages = [TestData.User("q0"), TestData.Assistant("a0")],
            Runs =
            [
                TestData.Run("r-1", messages: [.. TestData.RichMessages()]),
                TestData.Run("r-2", RunStatus.Paused, messages: TestData.User("q2")),
            ],
        };
        var layout = SessionRows.Flatten(session);
        var messages = SessionLayoutDocuments.Messages("s-1", layout).Select(BsonRoundTrip.ThroughBytes).ToList();
        var runs = SessionLayoutDocuments.Runs("s-1", layout).Select(BsonRoundTrip.ThroughBytes).ToList();
        var head = new BsonDocument { { "_id", "s-1" }, { "session_type", "agent" } };

        var back = SessionLayoutDocuments.Whole(head, messages, runs);

        TestData.SameMessages(session.Messages, back.Messages);
        Assert.Equal(["r-1", "r-2"], back.Runs.Select(r => r.RunId));
        TestData.SameMessages(session.Runs[0].Messages, back.Runs[0].Messages);
        TestData.SameMessages(session.Runs[1].Messages, back.Runs[1].Messages);
        Assert.Equal(Enumerable.Range(0, TestData.RichMessages().Count), messages.Where(m => m.GetValue("run_id", BsonNull.Value) == "r-1").Select(m => m["index"].ToInt32()));
    }

    [Fact]
    public void An_upserted_session_is_built_from_the_documents_as_written_without_reading_them_back()
    {
        var session = new AgentSession
        {
            SessionId = "s-1",
            Messages = [TestData.User("q0")],
            Runs = [TestData.Run("r-1", messages: [TestData.User("q1"), TestData.Assistant("a1")])],
        };
        var layout = SessionRows.Flatten(session);
        var head = new BsonDocument { { "_id", "s-1" }, { "session_type", "agent" } };

        var built = SessionLayoutDocuments.Whole(head, SessionLayoutDocuments.Messages("s-1", layout), SessionLayoutDocuments.Runs("s-1", layout));

        TestData.SameMessages(session.Messages, built.Messages);
        TestData.SameMessages(session.Runs[0].Messages, built.Runs.Single().Messages);
        Assert.NotSame(session.Runs[0].Messages[0], built.Runs[0].Messages[0]);
    }
}
