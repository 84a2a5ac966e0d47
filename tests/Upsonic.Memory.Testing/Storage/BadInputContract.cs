using System.Text.Json.Nodes;
using Upsonic.Storage;
using Xunit;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Storage.Testing;

/// <summary>
/// Bad input is rejected on every entry point with an <see cref="ArgumentException"/> naming the parameter, and hostile but valid
/// values (quotes, SQL text, key separators, wildcards, unicode, 10 KB strings) are stored and found literally.
/// </summary>
/// <typeparam name="TTarget">The backend's target.</typeparam>
public abstract class BadInputContract<TTarget> : KnowledgeContract<TTarget>
    where TTarget : StorageTarget, new()
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\n")]
    public async Task Blank_ids_are_rejected_on_every_entry_point_naming_the_parameter(string? id)
    {
        var storage = await CreateAsync();
        var blank = id!;
        var run = Turn("r1", "hi");
        var cases = new (string Param, Func<Task> Call)[]
        {
            ("session", () => storage.UpsertSessionAsync(Session(blank), Ct)),
            ("sessions", () => storage.UpsertSessionsAsync([Session("ok"), Session(blank)], Ct)),
            ("sessionId", () => storage.DeleteSessionAsync(blank, Ct)),
            ("sessionIds", () => storage.DeleteSessionsAsync(["ok", blank], Ct)),
            ("userMemory", () => storage.UpsertUserMemoryAsync(new UserMemory { UserId = blank }, Ct)),
            ("userMemories", () => storage.UpsertUserMemoriesAsync([new UserMemory { UserId = "ok" }, new UserMemory { UserId = blank }], Ct)),
            ("userId", () => storage.DeleteUserMemoryAsync(blank, Ct)),
            ("userIds", () => storage.DeleteUserMemoriesAsync(["ok", blank], Ct)),
            ("row", () => storage.UpsertKnowledgeContentAsync(new KnowledgeRow { Id = blank, Name = "doc" }, Ct)),
            ("id", () => storage.GetKnowledgeContentAsync(blank, Ct)),
            ("id", () => storage.DeleteKnowledgeContentAsync(blank, Ct)),
            ("ids", () => storage.DeleteKnowledgeContentsAsync(["ok", blank], Ct)),
            ("userId", () => storage.DeleteUserDataAsync(blank, Ct)),
            ("sessionId", () => storage.LoadSessionWindowAsync(blank, null, Ct)),
            ("append", () => storage.AppendRunAsync(Append(blank, run), Ct)),
            ("append", () => storage.AppendRunAsync(Append("s1", Turn(blank, "hi")), Ct)),
            ("sessionId", () => storage.GetRunAsync(blank, "r1", Ct)),
            ("runId", () => storage.GetRunAsync("s1", blank, Ct)),
            ("runId", () => storage.FindRunAsync(blank, cancellationToken: Ct)),
            ("sessionId", () => storage.GetRunsAfterAsync(blank, 0, 10, Ct)),
            ("sessionId", () => storage.UpdateSummaryAsync(blank, "summary", 1, Ct)),
            ("sessionId", () => storage.MergeSessionMetadataAsync(blank, [], Ct)),
            ("update", () => storage.UpdateUserProfileAsync(new ProfileUpdate { UserId = blank, Traits = [] }, Ct)),
            ("tableName", () => storage.TableExistsAsync(blank, Ct)),
        };

        await AssertRejectedAsync(cases);

        Assert.Equal(0, (await storage.GetSessionsAsync(cancellationToken: Ct)).Total);
        Assert.Equal(0, (await storage.GetUserMemoriesAsync(cancellationToken: Ct)).Total);
    }

    [Theory]
    [MemberData(nameof(IllFormedKinds), MemberType = typeof(TestData))]
    public async Task Ill_formed_utf16_ids_are_rejected_on_every_entry_point_before_anything_is_written(string kind)
    {
        var storage = await CreateAsync();
        var bad = IllFormed(kind);
        var withUser = Session("ok");
        withUser.UserId = bad;
        var withRun = Session("ok");
        withRun.Runs = [Run("r1", agentId: bad)];
        var cases = new (string Param, Func<Task> Call)[]
        {
            ("session", () => storage.UpsertSessionAsync(Session(bad), Ct)),
            ("session", () => storage.UpsertSessionAsync(withUser, Ct)),
            ("session", () => storage.UpsertSessionAsync(withRun, Ct)),
            ("sessions", () => storage.UpsertSessionsAsync([Session("ok"), Session(bad)], Ct)),
            ("sessionId", () => storage.GetSessionAsync(bad, cancellationToken: Ct)),
            ("userId", () => storage.GetSessionAsync(userId: bad, cancellationToken: Ct)),
            ("agentId", () => storage.GetSessionAsync(agentId: bad, cancellationToken: Ct)),
            ("query", () => storage.GetSessionsAsync(new() { SessionIds = ["ok", bad] }, Ct)),
            ("query", () => storage.GetSessionsAsync(new() { UserId = bad }, Ct)),
            ("query", () => storage.GetSessionsAsync(new() { AgentId = bad }, Ct)),
            ("sessionId", () => storage.DeleteSessionAsync(bad, Ct)),
            ("sessionIds", () => storage.DeleteSessionsAsync(["ok", bad], Ct)),
            ("userMemory", () => storage.UpsertUserMemoryAsync(new UserMemory { UserId = bad }, Ct)),
            ("userMemory", () => storage.UpsertUserMemoryAsync(new UserMemory { UserId = "ok", AgentId = bad }, Ct)),
            ("userMemories", () => storage.UpsertUserMemoriesAsync([new UserMemory { UserId = "ok" }, new UserMemory { UserId = bad }], Ct)),
            ("userId", () => storage.GetUserMemoryAsync(bad, cancellationToken: Ct)),
            ("teamId", () => storage.GetUserMemoryAsync("ok", teamId: bad, cancellationToken: Ct)),
            ("query", () => storage.GetUserMemoriesAsync(new() { UserIds = [bad] }, Ct)),
            ("userId", () => storage.DeleteUserMemoryAsync(bad, Ct)),
            ("userIds", () => storage.DeleteUserMemoriesAsync(["ok", bad], Ct)),
            ("row", () => storage.UpsertKnowledgeContentAsync(new KnowledgeRow { Id = bad, Name = "doc" }, Ct)),
            ("query", () => storage.GetKnowledgeContentsAsync(new() { KnowledgeBaseId = bad }, Ct)),
            ("id", () => storage.GetKnowledgeContentAsync(bad, Ct)),
            ("id", () => storage.DeleteKnowledgeContentAsync(bad, Ct)),
            ("ids", () => storage.DeleteKnowledgeContentsAsync(["ok", bad], Ct)),
            ("userId", () => storage.DeleteUserDataAsync(bad, Ct)),
            ("sessionId", () => storage.LoadSessionWindowAsync(bad, null, Ct)),
            ("append", () => storage.AppendRunAsync(Append(bad, Turn("r1", "hi")), Ct)),
            ("append", () => storage.AppendRunAsync(Append("ok", Turn(bad, "hi")), Ct)),
            ("append", () => storage.AppendRunAsync(Append("ok", Turn("r1", "hi", userId: bad)), Ct)),
            ("append", () => storage.AppendRunAsync(Append("ok", Turn("r1", "hi", agentId: bad)), Ct)),
            ("sessionId", () => storage.GetRunAsync(bad, "r1", Ct)),
            ("runId", () => storage.GetRunAsync("ok", bad, Ct)),
            ("runId", () => storage.FindRunAsync(bad, cancellationToken: Ct)),
            ("agentId", () => storage.FindRunAsync("r1", bad, Ct)),
            ("sessionId", () => storage.GetRunsAfterAsync(bad, 0, 10, Ct)),
            ("sessionId", () => storage.UpdateSummaryAsync(bad, "summary", 1, Ct)),
            ("sessionId", () => storage.MergeSessionMetadataAsync(bad, [], Ct)),
            ("update", () => storage.UpdateUserProfileAsync(new ProfileUpdate { UserId = bad, Traits = [] }, Ct)),
            ("update", () => storage.UpdateUserProfileAsync(new ProfileUpdate { UserId = "ok", Traits = [], AgentId = bad }, Ct)),
            ("tableName", () => storage.TableExistsAsync(bad, Ct)),
        };

        await AssertRejectedAsync(cases);

        Assert.Equal(0, (await storage.GetSessionsAsync(cancellationToken: Ct)).Total);
        Assert.Equal(0, (await storage.GetUserMemoriesAsync(cancellationToken: Ct)).Total);
        Assert.Equal(0, (await storage.GetKnowledgeContentsAsync(cancellationToken: Ct)).Total);
    }

    [Fact]
    public async Task Ids_that_differ_only_in_lone_surrogates_never_share_a_session()
    {
        var storage = await CreateAsync();
        await Assert.ThrowsAnyAsync<ArgumentException>(() => storage.AppendRunAsync(Append("\uD800", Turn("r1", "first user's secret")), Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => storage.AppendRunAsync(Append("\uDBFF", Turn("r1", "second user")), Ct));
        await storage.AppendRunAsync(Append("\uD83D\uDE80", Turn("r1", "a valid pair is an ordinary id")), Ct);

        Assert.Equal(["\uD83D\uDE80"], Ids(await storage.GetSessionsAsync(cancellationToken: Ct)));
        Assert.Null(await storage.LoadSessionWindowAsync("\uFFFD", null, Ct));
    }

    [Fact]
    public async Task Undefined_enum_values_are_rejected_naming_the_parameter()
    {
        var storage = await CreateAsync();
        var badType = Session("s1");
        badType.SessionType = (SessionType)42;
        var badRun = Session("s1");
        badRun.Runs = [Run("r1", status: (RunStatus)42)];
        var cases = new (string Param, Func<Task> Call)[]
        {
            ("session", () => storage.UpsertSessionAsync(badType, Ct)),
            ("session", () => storage.UpsertSessionAsync(badRun, Ct)),
            ("sessions", () => storage.UpsertSessionsAsync([badType], Ct)),
            ("append", () => storage.AppendRunAsync(Append("s1", Run("r1", status: (RunStatus)42)), Ct)),
            ("update", () => storage.UpdateUserProfileAsync(new ProfileUpdate { UserId = "u1", Traits = [], Mode = (UserMemoryMode)42 }, Ct)),
            ("sessionType", () => storage.GetSessionAsync("s1", (SessionType)42, cancellationToken: Ct)),
            ("query", () => storage.GetSessionsAsync(new() { SessionType = (SessionType)42 }, Ct)),
            ("query", () => storage.GetSessionsAsync(new() { SortBy = (RecordSortField)42 }, Ct)),
            ("query", () => storage.GetSessionsAsync(new() { SortOrder = (SortOrder)42 }, Ct)),
            ("query", () => storage.GetKnowledgeContentsAsync(new() { SortOrder = (SortOrder)42 }, Ct)),
        };

        await AssertRejectedAsync(cases);

        Assert.Equal(0, (await storage.GetSessionsAsync(cancellationToken: Ct)).Total);
        Assert.Null(await storage.GetUserMemoryAsync("u1", cancellationToken: Ct));
    }

    [Fact]
    public async Task A_session_with_duplicate_or_blank_run_ids_is_rejected_before_anything_is_written()
    {
        var storage = await CreateAsync();
        var duplicate = Session("s1");
        duplicate.Runs = [Turn("r1", "one"), Turn("r2", "two"), Turn("r1", "three")];
        var blank = Session("s2");
        blank.Runs = [Turn("r1", "one"), Turn(" ", "two")];

        Assert.Equal("session", (await Assert.ThrowsAnyAsync<ArgumentException>(() => storage.UpsertSessionAsync(duplicate, Ct))).ParamName);
        Assert.Equal("session", (await Assert.ThrowsAnyAsync<ArgumentException>(() => storage.UpsertSessionAsync(blank, Ct))).ParamName);
        Assert.Equal("sessions", (await Assert.ThrowsAnyAsync<ArgumentException>(() => storage.UpsertSessionsAsync([Session("ok"), duplicate], Ct))).ParamName);
        Assert.Equal(0, (await storage.GetSessionsAsync(cancellationToken: Ct)).Total);
    }

    [Fact]
    public async Task A_null_in_a_query_id_list_is_rejected_naming_the_query()
    {
        var storage = await CreateAsync();
        await storage.UpsertSessionAsync(Session("s1"), Ct);
        Assert.Equal("query", (await Assert.ThrowsAnyAsync<ArgumentException>(() => storage.GetSessionsAsync(new() { SessionIds = [null!] }, Ct))).ParamName);
        Assert.Equal("query", (await Assert.ThrowsAnyAsync<ArgumentException>(() => storage.GetUserMemoriesAsync(new() { UserIds = ["u1", null!] }, Ct))).ParamName);
    }

    [Fact]
    public async Task A_blank_agent_id_for_a_run_lookup_is_rejected()
    {
        var storage = await CreateAsync();
        Assert.Equal("agentId", (await Assert.ThrowsAnyAsync<ArgumentException>(() => storage.FindRunAsync("r1", " ", Ct))).ParamName);
        Assert.Equal("agentId", (await Assert.ThrowsAnyAsync<ArgumentException>(() => storage.FindRunAsync("r1", "", Ct))).ParamName);
    }

    [Theory]
    [InlineData("bad-name", null, null)]
    [InlineData(null, "x; DROP TABLE t; --", null)]
    [InlineData(null, null, "1starts_with_a_digit")]
    [InlineData(null, null, "a_name_that_is_longer_than_sixty_three_characters_is_rejected_too")]
    [InlineData("sessions:index", null, null)]
    [InlineData("sessions\n", null, null)]
    [InlineData(null, "memories\r\n", null)]
    public async Task Invalid_table_names_are_rejected_at_construction_naming_the_parameter(string? sessionTable, string? userMemoryTable, string? knowledgeTable)
    {
        var names = Target.TableParameterNames;
        var param = sessionTable is not null ? names.Session : userMemoryTable is not null ? names.UserMemory : names.Knowledge;

        var ex = await Assert.ThrowsAnyAsync<ArgumentException>(() => CreateNamedAsync(sessionTable, userMemoryTable, knowledgeTable, null));

        Assert.Equal(param, ex.ParamName);
    }

    [Fact]
    public async Task Null_arguments_are_rejected_naming_the_parameter()
    {
        var storage = await CreateAsync();
        var cases = new (string Param, Func<Task> Call)[]
        {
            ("session", () => storage.UpsertSessionAsync(null!, Ct)),
            ("sessions", () => storage.UpsertSessionsAsync(null!, Ct)),
            ("sessionIds", () => storage.DeleteSessionsAsync(null!, Ct)),
            ("userMemory", () => storage.UpsertUserMemoryAsync(null!, Ct)),
            ("userIds", () => storage.DeleteUserMemoriesAsync(null!, Ct)),
            ("row", () => storage.UpsertKnowledgeContentAsync(null!, Ct)),
            ("ids", () => storage.DeleteKnowledgeContentsAsync(null!, Ct)),
            ("append", () => storage.AppendRunAsync(null!, Ct)),
            ("append", () => storage.AppendRunAsync(new RunAppend { SessionId = "s1", Run = null! }, Ct)),
            ("summary", () => storage.UpdateSummaryAsync("s1", null!, 1, Ct)),
            ("metadata", () => storage.MergeSessionMetadataAsync("s1", null!, Ct)),
            ("update", () => storage.UpdateUserProfileAsync(null!, Ct)),
            ("update", () => storage.UpdateUserProfileAsync(new ProfileUpdate { UserId = "u1", Traits = null! }, Ct)),
        };

        await AssertRejectedAsync(cases);
    }

    [Fact]
    public async Task Empty_id_lists_are_rejected_where_upstream_rejects_them()
    {
        var storage = await CreateAsync();
        Assert.Equal("sessionIds", (await Assert.ThrowsAnyAsync<ArgumentException>(() => storage.DeleteSessionsAsync([], Ct))).ParamName);
        Assert.Equal("userIds", (await Assert.ThrowsAnyAsync<ArgumentException>(() => storage.DeleteUserMemoriesAsync([], Ct))).ParamName);
        Assert.Equal(0, await storage.DeleteKnowledgeContentsAsync([], Ct));
    }

    [Fact]
    public async Task Negative_counts_are_rejected_naming_the_parameter()
    {
        var storage = await CreateAsync();
        Assert.Equal("historyTurns", (await Assert.ThrowsAnyAsync<ArgumentException>(() => storage.LoadSessionWindowAsync("s1", -1, Ct))).ParamName);
        Assert.Equal("maxRuns", (await Assert.ThrowsAnyAsync<ArgumentException>(() => storage.GetRunsAfterAsync("s1", 0, -1, Ct))).ParamName);
    }

    [Fact]
    public async Task A_user_memory_without_a_profile_map_is_rejected_naming_the_parameter()
    {
        var storage = await CreateAsync();
        var single = await Assert.ThrowsAsync<ArgumentException>(() => storage.UpsertUserMemoryAsync(new UserMemory { UserId = "u1", Profile = null! }, Ct));
        Assert.Equal("userMemory", single.ParamName);
        var many = await Assert.ThrowsAsync<ArgumentException>(() => storage.UpsertUserMemoriesAsync([new UserMemory { UserId = "u1", Profile = null! }], Ct));
        Assert.Equal("userMemories", many.ParamName);
        Assert.Null(await storage.GetUserMemoryAsync("u1", cancellationToken: Ct));
    }

    [Fact]
    public async Task A_knowledge_row_without_a_name_is_rejected()
    {
        var storage = await CreateAsync();
        var ex = await Assert.ThrowsAnyAsync<ArgumentException>(() => storage.UpsertKnowledgeContentAsync(new KnowledgeRow { Id = "k1", Name = " " }, Ct));
        Assert.Equal("row", ex.ParamName);
    }

    [Theory]
    [MemberData(nameof(LiteralKinds), MemberType = typeof(TestData))]
    public async Task Hostile_session_ids_are_stored_and_found_literally(string kind)
    {
        var storage = await CreateAsync();
        var id = Literal(kind);
        await storage.UpsertSessionAsync(Session("sentinel"), Ct);
        await storage.UpsertSessionAsync(Session(id), Ct);
        await storage.AppendRunAsync(Append(id, Turn("r1", "hello")), Ct);

        Assert.Equal(id, (await storage.GetSessionAsync(id, cancellationToken: Ct))!.SessionId);
        Assert.Equal([id], Ids(await storage.GetSessionsAsync(new() { SessionIds = [id] }, Ct)));
        Assert.Null(await storage.GetSessionAsync(id + "x", cancellationToken: Ct));
        Assert.Single((await storage.LoadSessionWindowAsync(id, null, Ct))!.Turns);
        Assert.Equal(id, (await storage.GetRunAsync(id, "r1", Ct))!.SessionId);
        Assert.True(await storage.MergeSessionMetadataAsync(id, new JsonObject { ["k"] = "v" }, Ct));
        Assert.Equal(2, (await storage.GetSessionsAsync(cancellationToken: Ct)).Total);
        Assert.True(await storage.DeleteSessionAsync(id, Ct));
        Assert.Equal(["sentinel"], Ids(await storage.GetSessionsAsync(cancellationToken: Ct)));
    }

    [Theory]
    [MemberData(nameof(LiteralKinds), MemberType = typeof(TestData))]
    public async Task Hostile_user_ids_are_stored_and_found_literally(string kind)
    {
        var storage = await CreateAsync();
        var userId = Literal(kind);
        await storage.UpsertUserMemoryAsync(new UserMemory { UserId = "sentinel" }, Ct);
        await storage.UpsertUserMemoryAsync(new UserMemory { UserId = userId, Profile = new JsonObject { ["name"] = "Ann" } }, Ct);
        await storage.AppendRunAsync(Append("s1", Turn("r1", "hello", userId)), Ct);
        await storage.UpdateUserProfileAsync(new ProfileUpdate { UserId = userId, Traits = new JsonObject { ["city"] = "Oslo" } }, Ct);

        var memory = await storage.GetUserMemoryAsync(userId, cancellationToken: Ct);
        Assert.Equal(userId, memory!.UserId);
        SameJson(new JsonObject { ["name"] = "Ann", ["city"] = "Oslo" }, memory.Profile);
        Assert.Single((await storage.GetUserMemoriesAsync(new() { UserIds = [userId] }, Ct)).Items);
        Assert.Equal(["s1"], Ids(await storage.GetSessionsAsync(new() { UserId = userId }, Ct)));
        Assert.Equal(userId, (await storage.GetSessionAsync("s1", cancellationToken: Ct))!.UserId);
        Assert.Equal(1, await storage.DeleteUserDataAsync(userId, Ct));
        Assert.Null(await storage.GetUserMemoryAsync(userId, cancellationToken: Ct));
        Assert.NotNull(await storage.GetUserMemoryAsync("sentinel", cancellationToken: Ct));
    }

    [Theory]
    [MemberData(nameof(LiteralKinds), MemberType = typeof(TestData))]
    public async Task Hostile_run_ids_are_stored_and_found_literally(string kind)
    {
        var storage = await CreateAsync();
        var runId = Literal(kind);
        await storage.AppendRunAsync(Append("s1", Turn("sentinel", "first", agentId: "a1")), Ct);
        await storage.AppendRunAsync(Append("s1", Turn(runId, "second", agentId: "a1")), Ct);

        Assert.Equal(runId, (await storage.GetRunAsync("s1", runId, Ct))!.RunId);
        Assert.Equal(runId, (await storage.FindRunAsync(runId, "a1", Ct))!.RunId);
        Assert.Null(await storage.GetRunAsync("s1", runId + "x", Ct));
        Assert.Equal(runId, (await storage.LoadSessionWindowAsync("s1", 1, Ct))!.Turns.Single().RunId);
        Assert.Equal(["sentinel", runId], (await storage.GetSessionAsync("s1", cancellationToken: Ct))!.Runs.Select(r => r.RunId));
    }

    [Theory]
    [MemberData(nameof(LiteralKinds), MemberType = typeof(TestData))]
    public async Task Hostile_summaries_metadata_and_message_text_round_trip_literally(string kind)
    {
        var storage = await CreateAsync();
        var value = Literal(kind);
        var session = Session("s1");
        session.Summary = value;
        session.Metadata = new JsonObject { ["value"] = value, [value] = "as a key" };
        session.Messages = [User(value), Assistant(value)];
        await storage.UpsertSessionAsync(session, Ct);
        await storage.AppendRunAsync(Append("s1", Turn("r1", value)), Ct);
        await storage.UpdateSummaryAsync("s1", value + "!", 5, Ct);
        await storage.MergeSessionMetadataAsync("s1", new JsonObject { ["merged"] = value }, Ct);

        var read = await storage.GetSessionAsync("s1", cancellationToken: Ct);

        Assert.Equal(value + "!", read!.Summary);
        SameJson(new JsonObject { ["value"] = value, [value] = "as a key", ["merged"] = value }, read.Metadata);
        Assert.Equal([value, value, value, $"answer to {value}"], read.Messages.Select(m => m.Text));
        Assert.Equal(value, (await storage.LoadSessionWindowAsync("s1", 1, Ct))!.Turns.Single().Messages[0].Text);
    }

    /// <summary>Asserts that every call throws an <see cref="ArgumentException"/> whose <c>ParamName</c> is the expected one.</summary>
    private static async Task AssertRejectedAsync(IEnumerable<(string Param, Func<Task> Call)> cases)
    {
        foreach (var (param, call) in cases)
        {
            var ex = await Assert.ThrowsAnyAsync<ArgumentException>(call);
            Assert.True(param == ex.ParamName, $"Expected ParamName '{param}' but got '{ex.ParamName}' ({ex.Message}).");
        }
    }
}
