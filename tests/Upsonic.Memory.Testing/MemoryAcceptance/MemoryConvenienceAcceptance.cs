using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Upsonic.Storage;
using Xunit;
using static Upsonic.Storage.Testing.MemoryTurns;

namespace Upsonic.Storage.Testing;

/// <summary>The conveniences of UPSTREAM 8 (get/set metadata, list/find/delete sessions, load runs) and their sync twins.</summary>
public abstract class MemoryConvenienceAcceptance<TTarget> : MemoryBoundednessAcceptance<TTarget>
    where TTarget : StorageTarget, new()
{
    [Fact]
    public async Task Session_is_null_before_a_run_and_holds_the_messages_after()
    {
        var memory = NewMemory(new() { FullSessionMemory = true });
        Assert.Null(await memory.GetSessionAsync(Ct));
        Assert.Empty(await memory.GetMessagesAsync(Ct));
        await TurnAsync(memory, "hello");
        Assert.NotNull(await memory.GetSessionAsync(Ct));
        Assert.Equal(["hello", "ok"], (await memory.GetMessagesAsync(Ct)).Select(m => m.Text));
        Assert.Equal(2, memory.GetMessages().Count);
        Assert.Equal(memory.SessionId, memory.GetSession()!.SessionId);
    }

    [Fact]
    public async Task Stored_messages_come_back_unfiltered()
    {
        var memory = NewMemory(new() { FullSessionMemory = true, NumLastMessages = 1 });
        await memory.SaveRunAsync(new AgentRun { Messages = [User("w?"), ToolCall("c1", "w"), ToolResult("c1", "sun"), Assistant("Sunny")] }, Ct);
        await TurnAsync(memory, "again");
        Assert.Equal(6, (await memory.GetMessagesAsync(Ct)).Count);
    }

    [Fact]
    public async Task Set_metadata_merges_keys_and_get_metadata_reads_them()
    {
        var memory = NewMemory(new() { FullSessionMemory = true });
        await TurnAsync(memory, "hello");
        await memory.SetMetadataAsync(new Dictionary<string, object?> { ["key"] = "value", ["n"] = 1 }, Ct);
        memory.SetMetadata(new Dictionary<string, object?> { ["n"] = 2, ["list"] = new[] { "a", "b" } });
        var metadata = await memory.GetMetadataAsync(Ct);
        Assert.Equal("value", metadata!["key"]!.GetValue<string>());
        Assert.Equal(2, metadata["n"]!.GetValue<int>());
        Assert.Equal("""["a","b"]""", metadata["list"]!.ToJsonString());
        Assert.Equal(3, memory.GetMetadata()!.Count);
    }

    [Fact]
    public async Task Set_metadata_without_a_session_writes_nothing_and_warns()
    {
        var memory = NewMemory(new() { SessionId = "s-missing" });
        await memory.SetMetadataAsync(new Dictionary<string, object?> { ["k"] = "v" }, Ct);
        Assert.Null(await memory.GetSessionAsync(Ct));
        Assert.Null(await memory.GetMetadataAsync(Ct));
        Assert.Contains("s-missing", Assert.Single(Logs.Warnings).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_set_metadata_calls_with_different_keys_keep_every_key()
    {
        var memory = NewMemory(new() { FullSessionMemory = true });
        await TurnAsync(memory, "hello");
        await Task.WhenAll(Enumerable.Range(0, 32).Select(i =>
            Task.Run(() => NewMemory(new() { SessionId = memory.SessionId }).SetMetadataAsync(new Dictionary<string, object?> { ["k" + i] = i }, Ct))));
        var metadata = await memory.GetMetadataAsync(Ct);
        Assert.Equal(32, metadata!.Count);
    }

    [Fact]
    public async Task List_sessions_returns_the_users_sessions_only()
    {
        var first = NewMemory(new() { UserId = "u1", FullSessionMemory = true });
        var second = NewMemory(new() { UserId = "u1", FullSessionMemory = true });
        var other = NewMemory(new() { UserId = "u2", FullSessionMemory = true });
        await TurnAsync(first, "a");
        await TurnAsync(second, "b");
        await TurnAsync(other, "c");
        var sessions = await first.ListSessionsAsync(ct: Ct);
        Assert.Equal(2, sessions.Count);
        Assert.All(sessions, s => Assert.Equal("u1", s.UserId));
        Assert.Equal(2, sessions.Select(s => s.SessionId).Distinct().Count());
        Assert.Equal(other.SessionId, Assert.Single(first.ListSessions("u2")).SessionId);
        Assert.NotEqual(first.UserId, other.UserId);
        Assert.Equal("userId", (await Assert.ThrowsAsync<ArgumentException>(() => first.ListSessionsAsync(" ", Ct))).ParamName);
    }

    [Fact]
    public async Task Find_and_delete_session_default_to_the_memorys_session()
    {
        var memory = NewMemory(new() { FullSessionMemory = true });
        var other = NewMemory(new() { FullSessionMemory = true });
        await TurnAsync(memory, "hello");
        await TurnAsync(other, "hello");
        Assert.Equal(memory.SessionId, (await memory.FindSessionAsync(ct: Ct))!.SessionId);
        Assert.Equal(other.SessionId, memory.FindSession(other.SessionId)!.SessionId);
        Assert.True(await memory.DeleteSessionAsync(ct: Ct));
        Assert.Null(await memory.GetSessionAsync(Ct));
        Assert.False(await memory.DeleteSessionAsync(ct: Ct));
        Assert.True(memory.DeleteSession(other.SessionId));
        Assert.Null(await other.GetSessionAsync(Ct));
    }

    [Fact]
    public async Task Delete_session_keeps_the_users_profile()
    {
        MemoryModel.Traits("""{"detected_tone":"casual"}""");
        var memory = NewMemory(new() { UserId = "u1", FullSessionMemory = true, UserAnalysisMemory = true });
        await TurnAsync(memory, "hey");
        await memory.DeleteSessionAsync(ct: Ct);
        Assert.NotNull(await Storage.GetUserMemoryAsync("u1", cancellationToken: Ct));
    }

    [Fact]
    public async Task A_paused_run_is_resumable_from_this_session_and_a_completed_one_is_not()
    {
        var memory = NewMemory(new() { FullSessionMemory = true });
        await memory.SaveRunAsync(new AgentRun { RunId = "paused", AgentId = "a1", Status = RunStatus.Paused, PauseReason = "confirmation", Messages = [User("delete all")] }, Ct);
        await memory.SaveRunAsync(new AgentRun { RunId = "done", AgentId = "a1", Messages = [User("hi"), Assistant("hello")] }, Ct);
        var resumable = await memory.LoadResumableRunAsync("paused", ct: Ct);
        Assert.Equal("confirmation", resumable!.PauseReason);
        Assert.Equal("delete all", Assert.Single(resumable.Messages).Text);
        Assert.Null(await memory.LoadResumableRunAsync("done", ct: Ct));
        Assert.Null(await memory.LoadResumableRunAsync("missing", "a1", Ct));
        Assert.Equal(RunStatus.Completed, (await memory.LoadRunAsync("done", ct: Ct))!.Status);
        Assert.NotNull(memory.LoadRun("paused"));
        Assert.NotNull(memory.LoadResumableRun("paused"));
    }

    [Fact]
    public async Task A_run_of_another_session_is_found_through_its_agent()
    {
        var writer = NewMemory(new());
        await writer.SaveRunAsync(new AgentRun { RunId = "r-err", AgentId = "a1", Status = RunStatus.Error, Error = "boom", Messages = [User("x")] }, Ct);
        await writer.SaveRunAsync(new AgentRun { RunId = "r-run", AgentId = "a1", Status = RunStatus.Running, Messages = [User("y")] }, Ct);
        var reader = NewMemory(new());
        Assert.Null(await reader.LoadResumableRunAsync("r-err", ct: Ct));
        Assert.Equal("boom", (await reader.LoadResumableRunAsync("r-err", "a1", Ct))!.Error);
        Assert.Null(await reader.LoadResumableRunAsync("r-err", "other-agent", Ct));
        Assert.Null(await reader.LoadResumableRunAsync("r-run", "a1", Ct));
        Assert.Equal(RunStatus.Running, (await reader.LoadRunAsync("r-run", "a1", Ct))!.Status);
    }

    [Fact]
    public async Task Run_lookups_reject_an_empty_run_id()
    {
        var memory = NewMemory(new());
        Assert.Equal("runId", (await Assert.ThrowsAsync<ArgumentException>(() => memory.LoadRunAsync(" ", ct: Ct))).ParamName);
        Assert.Equal("runId", (await Assert.ThrowsAsync<ArgumentException>(() => memory.LoadResumableRunAsync("", ct: Ct))).ParamName);
    }

    [Fact]
    public async Task Run_lookups_reject_a_blank_agent_id_even_when_the_run_is_in_this_session()
    {
        var memory = NewMemory(new());
        await memory.SaveRunAsync(new AgentRun { RunId = "r", Messages = [User("x")] }, Ct);
        Assert.Equal("agentId", (await Assert.ThrowsAsync<ArgumentException>(() => memory.LoadRunAsync("r", agentId: " ", Ct))).ParamName);
        Assert.Equal("agentId", (await Assert.ThrowsAsync<ArgumentException>(() => memory.LoadResumableRunAsync("r", agentId: "", Ct))).ParamName);
    }

    [Fact]
    public async Task The_memory_exposes_the_storage_instance_it_was_given()
    {
        var memory = NewMemory(new());
        Assert.Same(Storage, memory.Storage);
        await memory.DisposeAsync();
        Assert.NotNull(await Storage.GetSessionsAsync(cancellationToken: Ct));
    }
}
