using System.Text.Json.Nodes;
using Upsonic.Storage;
using Xunit;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Storage.Testing;

/// <summary>The session record API: upsert, get, get with filters, delete and bulk operations, and what a round trip keeps.</summary>
/// <typeparam name="TTarget">The backend's target.</typeparam>
public abstract class SessionRecordContract<TTarget> : StorageContract<TTarget>
    where TTarget : StorageTarget, new()
{
    [Fact]
    public async Task Default_table_names_are_the_upstream_ones()
    {
        var storage = await CreateNamedAsync(null, null, null, null);
        Assert.Equal(Target.DefaultTableNames, (storage.SessionTable, storage.UserMemoryTable, storage.KnowledgeTable));
    }

    [Fact]
    public async Task Empty_table_names_fall_back_to_the_defaults()
    {
        var storage = await CreateNamedAsync("", "", "", "");
        Assert.Equal(Target.DefaultTableNames, (storage.SessionTable, storage.UserMemoryTable, storage.KnowledgeTable));
        Assert.False(string.IsNullOrWhiteSpace(storage.Id));
    }

    [Fact]
    public async Task Custom_table_names_and_id_are_kept()
    {
        var storage = await CreateNamedAsync("my_sessions", "my_users", "my_knowledge", "storage-42");
        Assert.Equal("my_sessions", storage.SessionTable);
        Assert.Equal("my_users", storage.UserMemoryTable);
        Assert.Equal("my_knowledge", storage.KnowledgeTable);
        Assert.Equal("storage-42", storage.Id);

        await storage.UpsertSessionAsync(Session("s1"), Ct);
        Assert.NotNull(await storage.GetSessionAsync("s1", cancellationToken: Ct));
    }

    [Fact]
    public async Task An_automatic_storage_id_is_a_non_empty_string()
    {
        var storage = await CreateAsync();
        Assert.False(string.IsNullOrWhiteSpace(storage.Id));
    }

    [Fact]
    public async Task Upsert_returns_the_stored_session_with_its_timestamps()
    {
        var storage = await CreateAsync();
        var stored = await storage.UpsertSessionAsync(Session("s1", "u1", "a1"), Ct);

        Assert.Equal("s1", stored.SessionId);
        Assert.Equal("u1", stored.UserId);
        Assert.Equal("a1", stored.AgentId);
        Assert.NotNull(stored.CreatedAt);
        Assert.NotNull(stored.UpdatedAt);
        Assert.Equal(TimeSpan.Zero, stored.CreatedAt!.Value.Offset);
    }

    [Fact]
    public async Task A_round_trip_keeps_every_session_field()
    {
        var storage = await CreateAsync();
        var session = FullSession("s1");

        await storage.UpsertSessionAsync(session, Ct);
        var read = await storage.GetSessionAsync("s1", cancellationToken: Ct);

        Assert.NotNull(read);
        Assert.Equal(SessionType.Team, read.SessionType);
        Assert.Equal(("a1", "t1", "w1", "u1"), (read.AgentId, read.TeamId, read.WorkflowId, read.UserId));
        SameJson(session.SessionData, read.SessionData);
        SameJson(session.Metadata, read.Metadata);
        SameJson(session.AgentData, read.AgentData);
        Assert.Equal("The user asked about the weather. 测试 🚀", read.Summary);
        Assert.Equal(7, read.SummaryWatermark);
        SameMessages(session.Messages, read.Messages);
        Assert.Equal((150L, 40L, 190L), (read.Usage!.InputTokenCount!.Value, read.Usage.OutputTokenCount!.Value, read.Usage.TotalTokenCount!.Value));
        Assert.Equal(BaseTime, read.CreatedAt);
    }

    [Fact]
    public async Task A_round_trip_keeps_runs_in_order_with_their_fields_and_messages()
    {
        var storage = await CreateAsync();
        var session = FullSession("s1");

        await storage.UpsertSessionAsync(session, Ct);
        var read = await storage.GetSessionAsync("s1", cancellationToken: Ct);

        Assert.Equal(["run_001", "run_002"], read!.Runs.Select(r => r.RunId));
        Assert.Equal([1L, 2L], read.Runs.Select(r => r.Sequence));
        var (completed, paused) = (read.Runs[0], read.Runs[1]);
        Assert.Equal(RunStatus.Completed, completed.Status);
        Assert.Equal(RunStatus.Paused, paused.Status);
        Assert.Equal("confirmation", paused.PauseReason);
        Assert.Equal("boom", completed.Error);
        Assert.Equal(("What is the weather?", "It is 12 °C."), (completed.Input, completed.Output));
        Assert.Equal(("s1", "a1", "Weather agent", "u1"), (completed.SessionId, completed.AgentId, completed.AgentName, completed.UserId));
        Assert.Equal(190L, completed.Usage!.TotalTokenCount);
        SameJson(RichMap(), completed.Metadata);
        SameMessages(session.Runs[0].Messages, completed.Messages);
        SameMessages(session.Runs[1].Messages, paused.Messages);
        Assert.Equal(BaseTime.AddSeconds(1), completed.CreatedAt);
        Assert.Equal(BaseTime.AddSeconds(2), completed.UpdatedAt);
    }

    [Fact]
    public async Task A_session_read_and_upserted_again_keeps_its_runs_messages_and_created_at()
    {
        var storage = await CreateAsync();
        await storage.UpsertSessionAsync(FullSession("s1"), Ct);
        await storage.AppendRunAsync(Append("s1", Turn("r3", "appended")), Ct);
        var before = await storage.GetSessionAsync("s1", cancellationToken: Ct);

        before!.Summary = "changed";
        await storage.UpsertSessionAsync(before, Ct);
        var after = await storage.GetSessionAsync("s1", cancellationToken: Ct);

        Assert.Equal("changed", after!.Summary);
        Assert.Equal(before.CreatedAt, after.CreatedAt);
        SameMessages(before.Messages, after.Messages);
        Assert.Equal(before.Runs.Select(r => (r.RunId, r.Sequence, r.Status)), after.Runs.Select(r => (r.RunId, r.Sequence, r.Status)));
        Assert.All(before.Runs.Zip(after.Runs), p => SameMessages(p.First.Messages, p.Second.Messages));
        Assert.Equal(before.Usage!.TotalTokenCount, after.Usage!.TotalTokenCount);
    }

    [Fact]
    public async Task Changing_objects_after_a_write_or_a_read_does_not_change_what_is_stored()
    {
        var storage = await CreateAsync();
        var session = FullSession("s1");
        var returned = await storage.UpsertSessionAsync(session, Ct);

        session.Metadata!["text"] = "mutated";
        session.Messages.Clear();
        session.Runs[0].Status = RunStatus.Error;
        returned.Metadata!["text"] = "mutated";
        returned.Runs[0].Messages.Clear();
        var read = await storage.GetSessionAsync("s1", cancellationToken: Ct);
        read!.SessionData!["user_prompts"] = null;

        var again = await storage.GetSessionAsync("s1", cancellationToken: Ct);
        SameJson(RichMap(), again!.Metadata);
        SameMessages(RichMessages(), again.Messages);
        Assert.Equal(RunStatus.Completed, again.Runs[0].Status);
        Assert.Equal(RichMessages().Count, again.Runs[0].Messages.Count);
        SameJson(FullSession("x").SessionData, again.SessionData);
    }

    [Fact]
    public async Task Null_summary_and_metadata_round_trip_as_null()
    {
        var storage = await CreateAsync();
        await storage.UpsertSessionAsync(Session("s1"), Ct);

        var read = await storage.GetSessionAsync("s1", cancellationToken: Ct);

        Assert.Null(read!.Summary);
        Assert.Null(read.Metadata);
        Assert.Null(read.SessionData);
        Assert.Null(read.Usage);
        Assert.Empty(read.Messages);
        Assert.Empty(read.Runs);
    }

    [Fact]
    public async Task Re_upsert_replaces_the_record_keeps_created_at_and_advances_updated_at()
    {
        var storage = await CreateAsync();
        var first = await storage.UpsertSessionAsync(FullSession("s1"), Ct);
        NextMillisecond();

        var changed = Session("s1", "u2", "a2", createdAt: BaseTime.AddYears(-10));
        changed.Summary = "new summary";
        changed.AgentData = new JsonObject { ["agent_name"] = "renamed" };
        changed.Messages = [User("only this")];
        var second = await storage.UpsertSessionAsync(changed, Ct);
        var read = await storage.GetSessionAsync("s1", cancellationToken: Ct);

        Assert.Equal(first.CreatedAt, second.CreatedAt);
        Assert.Equal(first.CreatedAt, read!.CreatedAt);
        Assert.True(read.UpdatedAt > first.UpdatedAt, $"updated_at {read.UpdatedAt:O} is not after {first.UpdatedAt:O}");
        Assert.Equal(("new summary", "u2", "a2"), (read.Summary, read.UserId, read.AgentId));
        SameJson(changed.AgentData, read.AgentData);
        SameMessages(changed.Messages, read.Messages);
        Assert.Empty(read.Runs);
        Assert.Null(read.Metadata);
    }

    [Fact]
    public async Task A_session_without_created_at_gets_the_current_time()
    {
        var storage = await CreateAsync();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var stored = await storage.UpsertSessionAsync(Session("s1"), Ct);

        Assert.InRange(stored.CreatedAt!.Value, before, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(0, stored.CreatedAt.Value.Ticks % TimeSpan.TicksPerMillisecond);
    }

    [Fact]
    public async Task Get_with_an_id_returns_that_session_only_when_the_other_filters_match()
    {
        var storage = await CreateAsync();
        await storage.UpsertSessionAsync(Session("s1", "u1", "a1", type: SessionType.Agent), Ct);

        Assert.NotNull(await storage.GetSessionAsync("s1", SessionType.Agent, "u1", "a1", Ct));
        Assert.Null(await storage.GetSessionAsync("s1", userId: "u2", cancellationToken: Ct));
        Assert.Null(await storage.GetSessionAsync("s1", agentId: "a2", cancellationToken: Ct));
        Assert.Null(await storage.GetSessionAsync("s1", SessionType.Team, cancellationToken: Ct));
        Assert.Null(await storage.GetSessionAsync("missing", cancellationToken: Ct));
    }

    [Fact]
    public async Task Get_without_an_id_returns_the_most_recently_updated_match()
    {
        var storage = await CreateAsync();
        Assert.Null(await storage.GetSessionAsync(cancellationToken: Ct));

        await storage.UpsertSessionAsync(Session("s-a", "u1"), Ct);
        NextMillisecond();
        await storage.UpsertSessionAsync(Session("s-b", "u1"), Ct);
        NextMillisecond();
        await storage.UpsertSessionAsync(Session("s-c", "u2"), Ct);
        Assert.Equal("s-c", (await storage.GetSessionAsync(cancellationToken: Ct))!.SessionId);
        Assert.Equal("s-b", (await storage.GetSessionAsync(userId: "u1", cancellationToken: Ct))!.SessionId);

        NextMillisecond();
        await storage.MergeSessionMetadataAsync("s-a", new JsonObject { ["touched"] = true }, Ct);
        Assert.Equal("s-a", (await storage.GetSessionAsync(cancellationToken: Ct))!.SessionId);
    }

    [Fact]
    public async Task The_session_type_filter_returns_only_sessions_of_that_type()
    {
        var storage = await CreateAsync();
        await storage.UpsertSessionsAsync(
            [Session("agent-1"), Session("team-1", type: SessionType.Team), Session("flow-1", type: SessionType.Workflow), Session("agent-2")], Ct);

        Assert.Equal(["agent-1", "agent-2"], Ids(await storage.GetSessionsAsync(new() { SessionType = SessionType.Agent, SortOrder = SortOrder.Ascending }, Ct)).Order());
        Assert.Equal(["team-1"], Ids(await storage.GetSessionsAsync(new() { SessionType = SessionType.Team }, Ct)));
        Assert.Equal(SessionType.Workflow, (await storage.GetSessionAsync("flow-1", cancellationToken: Ct))!.SessionType);
    }

    [Fact]
    public async Task Delete_returns_whether_the_session_existed()
    {
        var storage = await CreateAsync();
        await TestData.AppendTurnsAsync(storage, "s1", 2, ct: Ct);
        await storage.UpsertSessionAsync(Session("s2"), Ct);

        Assert.True(await storage.DeleteSessionAsync("s1", Ct));
        Assert.False(await storage.DeleteSessionAsync("s1", Ct));
        Assert.Null(await storage.GetSessionAsync("s1", cancellationToken: Ct));
        Assert.Null(await storage.LoadSessionWindowAsync("s1", null, Ct));
        Assert.Null(await storage.GetRunAsync("s1", "r1", Ct));
        Assert.NotNull(await storage.GetSessionAsync("s2", cancellationToken: Ct));
    }

    [Fact]
    public async Task Deleting_several_sessions_counts_only_those_that_existed()
    {
        var storage = await CreateAsync();
        await storage.UpsertSessionsAsync([Session("s1"), Session("s2"), Session("s3"), Session("s4")], Ct);

        Assert.Equal(2, await storage.DeleteSessionsAsync(["s1", "s2"], Ct));
        Assert.Equal(1, await storage.DeleteSessionsAsync(["s3", "missing"], Ct));
        Assert.Equal(["s4"], Ids(await storage.GetSessionsAsync(cancellationToken: Ct)));
    }

    [Fact]
    public async Task Bulk_upsert_returns_the_stored_sessions_in_input_order()
    {
        var storage = await CreateAsync();
        string[] ids = ["s3", "s1", "s5", "s2", "s4"];

        var stored = await storage.UpsertSessionsAsync(ids.Select(id => Session(id, "u1")), Ct);

        Assert.Equal(ids, stored.Select(s => s.SessionId));
        Assert.All(stored, s => Assert.NotNull(s.UpdatedAt));
        Assert.Equal(5, (await storage.GetSessionsAsync(cancellationToken: Ct)).Total);
    }

    [Fact]
    public async Task Bulk_upsert_of_nothing_returns_nothing()
    {
        var storage = await CreateAsync();
        Assert.Empty(await storage.UpsertSessionsAsync([], Ct));
    }

    [Fact]
    public async Task Bulk_upsert_updates_existing_sessions_and_adds_new_ones()
    {
        var storage = await CreateAsync();
        await storage.UpsertSessionsAsync([Session("s1"), Session("s2")], Ct);
        var updated = Session("s1");
        updated.Summary = "updated";

        var stored = await storage.UpsertSessionsAsync([updated, Session("s2"), Session("s3")], Ct);

        Assert.Equal(3, stored.Count);
        Assert.Equal("updated", (await storage.GetSessionAsync("s1", cancellationToken: Ct))!.Summary);
        Assert.Equal(3, (await storage.GetSessionsAsync(cancellationToken: Ct)).Total);
    }

    [Fact]
    public async Task Bulk_upsert_with_an_empty_id_writes_nothing()
    {
        var storage = await CreateAsync();

        var ex = await Assert.ThrowsAnyAsync<ArgumentException>(() => storage.UpsertSessionsAsync([Session("s1"), Session("")], Ct));

        Assert.Equal("sessions", ex.ParamName);
        Assert.Equal(0, (await storage.GetSessionsAsync(cancellationToken: Ct)).Total);
    }

    /// <summary>A session with every field set: two runs (completed and paused) and messages of every content kind.</summary>
    protected static AgentSession FullSession(string sessionId)
    {
        var completed = Run("run_001", RunStatus.Completed, "u1", "a1", Usage(120, 30), [.. RichMessages()]);
        completed.AgentName = "Weather agent";
        completed.Input = "What is the weather?";
        completed.Output = "It is 12 °C.";
        completed.Error = "boom";
        completed.Usage = Usage(150, 40);
        completed.Metadata = RichMap();
        completed.CreatedAt = BaseTime.AddSeconds(1);
        completed.UpdatedAt = BaseTime.AddSeconds(2);
        var paused = Run("run_002", RunStatus.Paused, "u1", "a1", null, User("Delete my files"), Assistant("Confirm?"));
        paused.PauseReason = "confirmation";
        return new AgentSession
        {
            SessionId = sessionId,
            SessionType = SessionType.Team,
            AgentId = "a1",
            TeamId = "t1",
            WorkflowId = "w1",
            UserId = "u1",
            SessionData = new JsonObject { ["user_prompts"] = new JsonArray("What is the weather?", "测试 🚀") },
            Metadata = RichMap(),
            AgentData = new JsonObject { ["agent_name"] = "Weather agent" },
            Summary = "The user asked about the weather. 测试 🚀",
            SummaryWatermark = 7,
            Messages = RichMessages(),
            Runs = [completed, paused],
            Usage = Usage(150, 40),
            CreatedAt = BaseTime,
        };
    }
}
