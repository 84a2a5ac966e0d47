using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Upsonic.Storage;

namespace Upsonic.Memory.Tool.Tests;

/// <summary>Fills a store in process through the hot path (as Memory writes it): runs with messages, summaries, metadata, profiles.</summary>
internal static class StoreSeeder
{
    /// <summary>Appends <paramref name="turns"/> runs to a session, then a summary and metadata.</summary>
    public static async Task SeedSessionAsync(IStorage storage, string sessionId, string? userId, int turns, string agentId = "agent-1")
    {
        var ct = TestContext.Current.CancellationToken;
        for (var turn = 1; turn <= turns; turn++)
        {
            await storage.AppendRunAsync(new RunAppend
            {
                SessionId = sessionId,
                AddToHistory = true,
                AgentName = "Helper",
                Run = Run(sessionId, userId, agentId, turn),
            }, ct);
        }

        await storage.UpdateSummaryAsync(sessionId, $"Summary of {sessionId}: {turns} turns, ünïcødé ✓.", turns, ct);
        await storage.MergeSessionMetadataAsync(sessionId, new JsonObject { ["topic"] = "tests", ["turns"] = turns, ["nested"] = new JsonObject { ["k"] = "v" } }, ct);
    }

    /// <summary>A completed run: a user message and an answer; every third run also calls a tool.</summary>
    public static RunRecord Run(string sessionId, string? userId, string agentId, int turn)
    {
        List<ChatMessage> messages = [new(ChatRole.User, $"Question {turn} of {sessionId}: what is {turn} squared? \"quotes\" and ünïcødé")];
        if (turn % 3 == 0)
        {
            messages.Add(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent($"call-{turn}", "square", new Dictionary<string, object?> { ["x"] = turn })]));
            messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent($"call-{turn}", turn * turn)]));
        }

        messages.Add(new ChatMessage(ChatRole.Assistant, $"{turn} squared is {turn * turn}."));
        return new RunRecord
        {
            RunId = $"{sessionId}-run-{turn}",
            SessionId = sessionId,
            AgentId = agentId,
            AgentName = "Helper",
            UserId = userId,
            Status = turn % 7 == 0 ? RunStatus.Paused : RunStatus.Completed,
            PauseReason = turn % 7 == 0 ? "confirmation" : null,
            Input = $"Question {turn}",
            Output = $"{turn} squared is {turn * turn}.",
            Usage = new UsageDetails { InputTokenCount = 10 + turn, OutputTokenCount = 5, TotalTokenCount = 15 + turn },
            Metadata = new JsonObject { ["turn"] = turn },
            Messages = messages,
        };
    }

    /// <summary>
    /// Writes a long session quickly through the bulk import API (a head, then pages of 1000 runs and messages) instead of one
    /// hot-path append per turn: each turn is a run with a user message and an answer of about <paramref name="textSize"/> characters.
    /// </summary>
    public static async Task SeedLongSessionAsync(IStorage storage, string sessionId, string userId, int turns, int textSize)
    {
        var ct = TestContext.Current.CancellationToken;
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await storage.ImportSessionHeadAsync(new AgentSession
        {
            SessionId = sessionId,
            UserId = userId,
            AgentId = "agent-1",
            AgentData = new JsonObject { ["agent_name"] = "Helper" },
            Summary = $"A long conversation of {turns} turns.",
            SummaryWatermark = turns,
            Usage = new UsageDetails { InputTokenCount = turns * 10L, OutputTokenCount = turns * 5L, TotalTokenCount = turns * 15L },
            CreatedAt = start,
            UpdatedAt = start.AddSeconds(turns),
        }, ct);
        var filler = new string('x', textSize);
        for (var first = 1; first <= turns; first += 500)
        {
            var last = Math.Min(turns, first + 499);
            var runs = new List<SessionRunRow>();
            var messages = new List<SessionMessageRow>();
            for (var turn = first; turn <= last; turn++)
            {
                var runId = $"{sessionId}-run-{turn}";
                runs.Add(new SessionRunRow(new RunRecord
                {
                    RunId = runId,
                    SessionId = sessionId,
                    Sequence = turn,
                    AgentId = "agent-1",
                    AgentName = "Helper",
                    UserId = userId,
                    Status = RunStatus.Completed,
                    Input = $"Question {turn}",
                    Output = $"Answer {turn}",
                    Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5, TotalTokenCount = 15 },
                    CreatedAt = start.AddSeconds(turn),
                    UpdatedAt = start.AddSeconds(turn),
                }, 2));
                messages.Add(new SessionMessageRow(2L * turn - 1, turn, runId, true, new ChatMessage(ChatRole.User, $"Question {turn}: {filler}")));
                messages.Add(new SessionMessageRow(2L * turn, turn, runId, true, new ChatMessage(ChatRole.Assistant, $"Answer {turn}: {filler}")));
            }

            Assert.True(await storage.ImportSessionRunsAsync(sessionId, runs, ct));
            Assert.True(await storage.ImportSessionMessagesAsync(sessionId, messages, ct));
        }
    }

    /// <summary>A profile, written as user analysis memory writes it.</summary>
    public static Task<UserMemory> SeedProfileAsync(IStorage storage, string userId) =>
        storage.UpdateUserProfileAsync(new ProfileUpdate
        {
            UserId = userId,
            AgentId = "agent-1",
            Traits = new JsonObject { ["name"] = "Name of " + userId, ["expertise"] = "C#", ["languages"] = new JsonArray("en", "de") },
        }, TestContext.Current.CancellationToken);

    /// <summary>A knowledge-registry row.</summary>
    public static Task<KnowledgeRow> SeedKnowledgeAsync(IStorage storage, string id) =>
        storage.UpsertKnowledgeContentAsync(new KnowledgeRow
        {
            Id = id,
            Name = "Document " + id,
            Description = "A test document",
            Type = "text",
            Size = 1234,
            KnowledgeBaseId = "kb-1",
            ContentHash = "hash-" + id,
            ChunkCount = 3,
            Status = "completed",
            Metadata = new JsonObject { ["source"] = "tests" },
        }, TestContext.Current.CancellationToken);
}
