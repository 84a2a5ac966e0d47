using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Upsonic.Storage;
using Xunit;

namespace Upsonic.Storage.Testing;

/// <summary>Small builders and comparisons shared by the storage contract suites, so each test reads as its behaviour.</summary>
public static class TestData
{
    /// <summary>A fixed, millisecond-exact base time for records whose created_at a test chooses.</summary>
    public static readonly DateTimeOffset BaseTime = new(2024, 1, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A new unique id with a readable prefix.</summary>
    public static string Id(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>A session with the given ids.</summary>
    public static AgentSession Session(string sessionId, string? userId = null, string? agentId = null, DateTimeOffset? createdAt = null,
        SessionType type = SessionType.Agent) => new()
        {
            SessionId = sessionId,
            UserId = userId,
            AgentId = agentId,
            SessionType = type,
            CreatedAt = createdAt,
        };

    /// <summary>A user message.</summary>
    public static ChatMessage User(string text) => new(ChatRole.User, text);

    /// <summary>An assistant message.</summary>
    public static ChatMessage Assistant(string text) => new(ChatRole.Assistant, text);

    /// <summary>Usage with input and output tokens and their total.</summary>
    public static UsageDetails Usage(long input, long output) =>
        new() { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = input + output };

    /// <summary>A run record with the given messages.</summary>
    public static RunRecord Run(string runId, RunStatus status = RunStatus.Completed, string? userId = null, string? agentId = null,
        UsageDetails? usage = null, params ChatMessage[] messages) => new()
        {
            RunId = runId,
            Status = status,
            UserId = userId,
            AgentId = agentId,
            Usage = usage,
            Messages = [.. messages],
        };

    /// <summary>A completed run of one turn: a user message and the assistant's answer.</summary>
    public static RunRecord Turn(string runId, string userText, string? userId = null, string? agentId = null) =>
        Run(runId, RunStatus.Completed, userId, agentId, null, User(userText), Assistant($"answer to {userText}"));

    /// <summary>What <see cref="IStorage.AppendRunAsync"/> takes for <paramref name="run"/>.</summary>
    public static RunAppend Append(string sessionId, RunRecord run, bool addToHistory = true, string? agentName = null) => new()
    {
        SessionId = sessionId,
        Run = run,
        AddToHistory = addToHistory,
        AgentName = agentName,
    };

    /// <summary>Appends <paramref name="count"/> one-turn runs <c>r1..rN</c> with user text <c>q1..qN</c>.</summary>
    public static async Task AppendTurnsAsync(IStorage storage, string sessionId, int count, string? userId = null, string? agentId = null,
        CancellationToken ct = default)
    {
        for (var i = 1; i <= count; i++)
        {
            await storage.AppendRunAsync(Append(sessionId, Turn($"r{i}", $"q{i}", userId, agentId)), ct);
        }
    }

    /// <summary>Messages with every content kind that must survive storage: text, function call and result, binary data, usage, reasoning.</summary>
    public static List<ChatMessage> RichMessages() =>
    [
        new(ChatRole.System, "You are helpful."),
        new(ChatRole.User, [new TextContent("Weather in Oslo? 测试 🚀"), new DataContent(new byte[] { 0, 1, 2, 254, 255 }, "image/png")]),
        new(ChatRole.Assistant,
        [
            new TextReasoningContent("The user wants the weather.") { ProtectedData = "sig-123" },
            new FunctionCallContent("call-1", "get_weather", new Dictionary<string, object?> { ["city"] = "Oslo", ["days"] = 3 }),
        ]) { AuthorName = "weather-agent", MessageId = "m-2" },
        new(ChatRole.Tool, [new FunctionResultContent("call-1", "12 °C, cloudy")]),
        new(ChatRole.Assistant, [new TextContent("It is 12 °C and cloudy."), new UsageContent(Usage(120, 30))]),
    ];

    /// <summary>A free-form map with nested, unicode and floating-point values.</summary>
    public static JsonObject RichMap() => new()
    {
        ["text"] = "测试 🚀",
        ["float"] = 3.14159,
        ["negative"] = -0.5,
        ["int"] = 42,
        ["flag"] = true,
        ["none"] = null,
        ["nested"] = new JsonObject { ["list"] = new JsonArray(1, "two", 3.5, new JsonObject { ["deep"] = "ünïcödé" }) },
    };

    /// <summary>The names of the <see cref="Literal"/> values, for theories.</summary>
    public static TheoryData<string> LiteralKinds => new("quotes", "sql", "separators", "wildcards", "unicode", "large");

    /// <summary>Values that must be stored and found literally, by name (the name keeps test output short).</summary>
    public static string Literal(string name) => name switch
    {
        "quotes" => "it's a \"quoted\" `value`",
        "sql" => "x'; DROP TABLE t; --",
        "separators" => "a:b{c}",
        "wildcards" => "100% _matches_ * ? [x]",
        "unicode" => "测试 🚀",
        "large" => new string('x', 10 * 1024) + "-end",
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    /// <summary>Kinds of ill-formed UTF-16 (lone surrogates), by name so theory data stays serializable.</summary>
    public static TheoryData<string> IllFormedKinds => new("lone-high", "lone-high-max", "lone-low", "reversed-pair");

    /// <summary>An ill-formed UTF-16 string by name: what a JSON body's <c>"\ud800"</c> becomes.</summary>
    public static string IllFormed(string name) => name switch
    {
        "lone-high" => "\uD800",
        "lone-high-max" => "user-\uDBFF",
        "lone-low" => "\uDC00-user",
        "reversed-pair" => "\uDE00\uD83D",
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    /// <summary>The JSON form of a message, with the Microsoft.Extensions.AI contract.</summary>
    public static string Json(ChatMessage message) => JsonSerializer.Serialize(message, AIJsonUtilities.DefaultOptions);

    /// <summary>Asserts two message lists are equal by their JSON form.</summary>
    public static void SameMessages(IEnumerable<ChatMessage> expected, IEnumerable<ChatMessage> actual) =>
        Assert.Equal(expected.Select(Json).ToList(), actual.Select(Json).ToList());

    /// <summary>Asserts two JSON maps are deeply equal (both null counts as equal).</summary>
    public static void SameJson(JsonNode? expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"Expected {expected?.ToJsonString() ?? "null"} but got {actual?.ToJsonString() ?? "null"}.");

    /// <summary>
    /// Returns once the wall clock shows a later millisecond than now, so the next write gets a strictly later timestamp
    /// (storage times have millisecond precision). This waits for a clock value, not for another thread.
    /// </summary>
    public static void NextMillisecond()
    {
        var start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        SpinWait.SpinUntil(() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() > start);
    }

    /// <summary>The session ids of a listing, in order.</summary>
    public static List<string> Ids(PagedResult<AgentSession> page) => page.Items.Select(s => s.SessionId).ToList();
}
