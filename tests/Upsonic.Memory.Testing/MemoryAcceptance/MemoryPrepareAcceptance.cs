using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Upsonic.Storage;
using Xunit;
using static Upsonic.Storage.Testing.MemoryTurns;

namespace Upsonic.Storage.Testing;

/// <summary>PrepareAsync: what a run is given (UPSTREAM 2.2-2.5, test_memory.py), with the exact injection formats.</summary>
public abstract class MemoryPrepareAcceptance<TTarget> : MemoryAcceptanceBase<TTarget>
    where TTarget : StorageTarget, new()
{
    [Fact]
    public async Task Prepare_on_empty_storage_returns_four_empty_parts()
    {
        var memory = NewMemory(new() { FullSessionMemory = true, SummaryMemory = true, UserAnalysisMemory = true });
        var context = await memory.PrepareAsync(ct: Ct);
        Assert.Empty(context.MessageHistory);
        Assert.Equal("", context.ContextInjection);
        Assert.Equal("", context.SystemPromptInjection);
        Assert.Equal("", context.MetadataInjection);
    }

    [Fact]
    public async Task Stored_summary_is_injected_as_an_exact_session_summary_block()
    {
        await Storage.UpsertSessionAsync(new AgentSession { SessionId = "s1", Summary = "Previous conversation summary" }, Ct);
        var memory = NewMemory(new() { SessionId = "s1", SummaryMemory = true });
        var context = await memory.PrepareAsync(ct: Ct);
        Assert.Equal("<SessionSummary>\nPrevious conversation summary\n</SessionSummary>", context.ContextInjection);
    }

    [Fact]
    public async Task Stored_profile_is_formatted_like_the_python_sdk()
    {
        var profile = JsonNode.Parse("""{"name":"Bob","empty":"","none":null,"lst":[],"lst2":["a","b"],"d":{"x":1},"dd":{},"zero":0,"f":false,"city":"Zürich"}""")!.AsObject();
        await Storage.UpsertUserMemoryAsync(new UserMemory { UserId = "u1", Profile = profile }, Ct);
        var memory = NewMemory(new() { UserId = "u1", UserAnalysisMemory = true });
        var context = await memory.PrepareAsync(ct: Ct);
        AssertBlock("<UserProfile>\n- name: Bob\n- lst2: a, b\n- d: {\"x\": 1}\n- zero: 0\n- f: False\n- city: Zürich\n</UserProfile>", context.SystemPromptInjection);
    }

    [Fact]
    public async Task Profile_with_only_empty_values_injects_nothing()
    {
        await Storage.UpsertUserMemoryAsync(new UserMemory { UserId = "u1", Profile = new JsonObject { ["a"] = "", ["b"] = new JsonArray() } }, Ct);
        var memory = NewMemory(new() { UserId = "u1", LoadUserAnalysisMemory = true });
        Assert.Equal("", (await memory.PrepareAsync(ct: Ct)).SystemPromptInjection);
    }

    [Fact]
    public async Task Stored_history_of_a_user_and_an_assistant_message_is_loaded_whole()
    {
        await AppendAsync("s1", "r1", true, User("hi"), Assistant("hello"));
        var memory = NewMemory(new() { SessionId = "s1", FullSessionMemory = true });
        var history = (await memory.PrepareAsync(ct: Ct)).MessageHistory;
        Assert.Equal([ChatRole.User, ChatRole.Assistant], history.Select(m => m.Role));
        Assert.Equal("hello", history[1].Text);
    }

    [Fact]
    public async Task Without_feeding_tool_results_only_the_user_message_of_a_tool_turn_remains()
    {
        await AppendAsync("s1", "r1", true, User("weather?"), ToolCall("c1", "get_weather"), ToolResult("c1", "sunny"));
        var memory = NewMemory(new() { SessionId = "s1", FullSessionMemory = true, FeedToolCallResults = false });
        var history = (await memory.PrepareAsync(ct: Ct)).MessageHistory;
        var only = Assert.Single(history);
        Assert.Equal(ChatRole.User, only.Role);
        Assert.IsType<TextContent>(Assert.Single(only.Contents));
    }

    [Fact]
    public async Task Feeding_tool_results_keeps_the_call_and_its_result()
    {
        await AppendAsync("s1", "r1", true, User("weather?"), ToolCall("c1", "get_weather"), ToolResult("c1", "sunny"));
        var memory = NewMemory(new() { SessionId = "s1", FullSessionMemory = true, FeedToolCallResults = true });
        Assert.Equal(3, (await memory.PrepareAsync(ct: Ct)).MessageHistory.Count);
    }

    [Fact]
    public async Task A_corrupt_stored_message_does_not_fail_prepare_and_is_logged()
    {
        await AppendAsync("s1", "r1", true, User("hi"), Assistant("hello"));
        await Target.CorruptMessageAsync(Storage, "s1", 1);
        var memory = NewMemory(new() { SessionId = "s1", FullSessionMemory = true });
        var context = await memory.PrepareAsync(ct: Ct);
        Assert.Empty(context.MessageHistory);
        var warning = Assert.Single(Logs.Warnings);
        Assert.Contains("s1", warning.Message, StringComparison.Ordinal);
        Assert.True(Assert.IsType<StorageException>(warning.Exception).IsCorruptData);
    }

    [Fact]
    public async Task Without_a_limit_every_stored_turn_is_loaded()
    {
        await AppendAsync("s1", "r1", true, User("u1"), Assistant("a1"));
        await AppendAsync("s1", "r2", true, User("u2"), Assistant("a2"));
        var memory = NewMemory(new() { SessionId = "s1", FullSessionMemory = true });
        Assert.Equal(4, (await memory.PrepareAsync(ct: Ct)).MessageHistory.Count);
    }

    [Fact]
    public async Task A_limit_of_two_loads_the_last_two_whole_turns()
    {
        await AppendAsync("s1", "r1", true, User("u1"), Assistant("a1"));
        await AppendAsync("s1", "r2", true, User("u2"), ToolCall("c1", "t"), ToolResult("c1", "x"), Assistant("a2"));
        await AppendAsync("s1", "r3", true, User("u3"), Assistant("a3"));
        var memory = NewMemory(new() { SessionId = "s1", FullSessionMemory = true, NumLastMessages = 2, FeedToolCallResults = true });
        var history = (await memory.PrepareAsync(ct: Ct)).MessageHistory;
        Assert.Equal(["u2", "", "", "a2", "u3", "a3"], history.Select(m => m.Text));
    }

    [Fact]
    public async Task A_limit_on_an_empty_or_short_history_returns_what_is_there()
    {
        var empty = NewMemory(new() { SessionId = "none", FullSessionMemory = true, NumLastMessages = 5 });
        Assert.Empty((await empty.PrepareAsync(ct: Ct)).MessageHistory);
        await AppendAsync("s1", "r1", true, User("u1"), Assistant("a1"));
        var memory = NewMemory(new() { SessionId = "s1", FullSessionMemory = true, NumLastMessages = 5 });
        Assert.Equal(2, (await memory.PrepareAsync(ct: Ct)).MessageHistory.Count);
    }

    [Fact]
    public async Task History_never_starts_with_a_tool_result_or_an_assistant_message()
    {
        await AppendAsync("s1", "r1", true, ToolResult("orphan", "x"), Assistant("a0"));
        await AppendAsync("s1", "r2", true, User("u1"), Assistant("a1"));
        foreach (var feed in new[] { true, false })
        {
            var memory = NewMemory(new() { SessionId = "s1", FullSessionMemory = true, NumLastMessages = 2, FeedToolCallResults = feed });
            var history = (await memory.PrepareAsync(ct: Ct)).MessageHistory;
            Assert.Equal(ChatRole.User, history[0].Role);
            Assert.DoesNotContain(history.SelectMany(m => m.Contents), c => c is FunctionResultContent);
        }
    }

    [Fact]
    public async Task A_paused_runs_dangling_tool_call_is_never_loaded()
    {
        var memory = NewMemory(new() { SessionId = "s1", FullSessionMemory = true, FeedToolCallResults = true });
        await memory.SaveRunAsync(new AgentRun { RunId = "p1", Status = RunStatus.Paused, Input = "book it", Messages = [User("book it"), ToolCall("c9", "book")] }, Ct);
        var history = (await memory.PrepareAsync(ct: Ct)).MessageHistory;
        Assert.DoesNotContain(history.SelectMany(m => m.Contents), c => c is FunctionCallContent);
        Assert.Equal("book it", Assert.Single(history).Text);
    }

    [Fact]
    public async Task Session_metadata_is_injected_with_two_space_lines()
    {
        await AppendAsync("s1", "r1", true, User("u1"), Assistant("a1"));
        var memory = NewMemory(new() { SessionId = "s1", FullSessionMemory = true });
        await memory.SetMetadataAsync(new Dictionary<string, object?> { ["key"] = "value", ["n"] = 1, ["flag"] = true }, Ct);
        var context = await memory.PrepareAsync(ct: Ct);
        AssertBlock("<SessionMetadata>\n  key: value\n  n: 1\n  flag: True\n</SessionMetadata>", context.MetadataInjection);
    }

    [Fact]
    public async Task Agent_and_session_metadata_are_both_injected_agent_first()
    {
        await AppendAsync("s1", "r1", true, User("u1"), Assistant("a1"));
        var memory = NewMemory(new() { SessionId = "s1", FullSessionMemory = true });
        await memory.SetMetadataAsync(new Dictionary<string, object?> { ["topic"] = "travel" }, Ct);
        var context = await memory.PrepareAsync(new Dictionary<string, object?> { ["role"] = "planner" }, Ct);
        Assert.Equal("<AgentMetadata>\n  role: planner\n</AgentMetadata>\n\n<SessionMetadata>\n  topic: travel\n</SessionMetadata>", context.MetadataInjection);
    }

    [Fact]
    public async Task Agent_metadata_alone_is_injected_without_a_session()
    {
        var memory = NewMemory(new());
        var context = await memory.PrepareAsync(new Dictionary<string, object?> { ["role"] = "planner" }, Ct);
        Assert.Equal("<AgentMetadata>\n  role: planner\n</AgentMetadata>", context.MetadataInjection);
    }

    [Fact]
    public async Task Session_metadata_is_injected_even_when_no_load_flag_is_on()
    {
        await AppendAsync("s1", "r1", true, User("u1"), Assistant("a1"));
        var memory = NewMemory(new() { SessionId = "s1" });
        await memory.SetMetadataAsync(new Dictionary<string, object?> { ["k"] = "v" }, Ct);
        Assert.Equal("<SessionMetadata>\n  k: v\n</SessionMetadata>", (await memory.PrepareAsync(ct: Ct)).MetadataInjection);
    }

    [Fact]
    public async Task Load_flags_off_inject_no_history_summary_or_profile()
    {
        await AppendAsync("s1", "r1", true, User("u1"), Assistant("a1"));
        await Storage.UpdateSummaryAsync("s1", "a summary", 1, Ct);
        await Storage.UpsertUserMemoryAsync(new UserMemory { UserId = "u1", Profile = new JsonObject { ["name"] = "Bob" } }, Ct);
        var memory = NewMemory(new()
        {
            SessionId = "s1", UserId = "u1", FullSessionMemory = true, SummaryMemory = true, UserAnalysisMemory = true,
            LoadFullSessionMemory = false, LoadSummaryMemory = false, LoadUserAnalysisMemory = false,
        });
        var context = await memory.PrepareAsync(ct: Ct);
        Assert.Empty(context.MessageHistory);
        Assert.Equal("", context.ContextInjection);
        Assert.Equal("", context.SystemPromptInjection);
    }

    [Fact]
    public async Task Load_flags_on_with_nothing_stored_give_empty_parts()
    {
        var memory = NewMemory(new() { LoadFullSessionMemory = true, LoadSummaryMemory = true, LoadUserAnalysisMemory = true });
        var context = await memory.PrepareAsync(ct: Ct);
        Assert.Empty(context.MessageHistory);
        Assert.Equal("", context.ContextInjection);
        Assert.Equal("", context.SystemPromptInjection);
    }

    [Fact]
    public async Task Stored_system_messages_are_not_loaded_because_the_runs_own_system_prompt_is_current()
    {
        await AppendAsync("s1", "r1", true, new ChatMessage(ChatRole.System, "old prompt"), User("u1"), Assistant("a1"));
        var memory = NewMemory(new() { SessionId = "s1", FullSessionMemory = true });
        var history = (await memory.PrepareAsync(ct: Ct)).MessageHistory;
        Assert.Equal([ChatRole.User, ChatRole.Assistant], history.Select(m => m.Role));
    }

    [Fact]
    public async Task Everything_enabled_prepares_and_a_save_stores_exactly_two_messages()
    {
        MemoryModel.Summaries(_ => "The user said hello.").Traits("""{"detected_tone":"casual"}""");
        var memory = NewMemory(new()
        {
            SessionId = "s1", FullSessionMemory = true, SummaryMemory = true, UserAnalysisMemory = true,
            NumLastMessages = 3, FeedToolCallResults = true, Debug = true,
        });
        await TurnAsync(memory, "hello");
        var session = await memory.GetSessionAsync(Ct);
        Assert.Equal(2, session!.Messages.Count);
    }

    [Fact]
    public async Task Two_memories_with_different_session_ids_make_two_sessions()
    {
        var first = NewMemory(new() { FullSessionMemory = true });
        var second = NewMemory(new() { FullSessionMemory = true });
        await TurnAsync(first, "one");
        await TurnAsync(second, "two");
        Assert.NotEqual(first.SessionId, second.SessionId);
        Assert.NotNull(await Storage.GetSessionAsync(first.SessionId, cancellationToken: Ct));
        Assert.NotNull(await Storage.GetSessionAsync(second.SessionId, cancellationToken: Ct));
    }

    [Fact]
    public async Task Debug_level_two_logs_the_prepared_input()
    {
        await AppendAsync("s1", "r1", true, User("u1"), Assistant("a1"));
        var memory = NewMemory(new() { SessionId = "s1", FullSessionMemory = true, Debug = true, DebugLevel = 2 });
        await memory.PrepareAsync(ct: Ct);
        Assert.Contains(Logs.Entries, e => e.Level == LogLevel.Information && e.Message.StartsWith("Prepared input for session s1", StringComparison.Ordinal));
    }
}
