using Microsoft.Extensions.AI;
using Upsonic.Storage;

namespace Upsonic.Benchmarks.Fixtures;

/// <summary>
/// The synthetic conversation every benchmark uses: turn i is a user question (~120 characters) and an assistant answer
/// (~420 characters), deterministic so every backend and baseline stores the same bytes.
/// </summary>
public static class Conversation
{
    /// <summary>The user id that owns every benchmark session.</summary>
    public const string UserId = "bench-user";

    /// <summary>The agent id written on every run.</summary>
    public const string AgentId = "bench-agent";

    /// <summary>The user's text of turn <paramref name="turn"/>.</summary>
    public static string UserText(long turn) =>
        $"Turn {turn}: I'm planning the migration of our billing service to .NET 10; what should I check about connection pooling first?";

    /// <summary>The assistant's text of turn <paramref name="turn"/>.</summary>
    public static string AssistantText(long turn) =>
        $"Answer {turn}: Start with the pool size: measure peak concurrent requests, then size the pool slightly above it. " +
        "Check that every connection is disposed on all paths (await using), that command timeouts are explicit, and that " +
        "long transactions are not holding connections while waiting on I/O. Finally, load-test with production-like data " +
        "and watch the pool's wait time metric before and after the switch.";

    /// <summary>The two messages of turn <paramref name="turn"/>.</summary>
    public static ChatMessage[] Messages(long turn) =>
        [new ChatMessage(ChatRole.User, UserText(turn)), new ChatMessage(ChatRole.Assistant, AssistantText(turn))];

    /// <summary>A completed run for turn <paramref name="turn"/>, as an agent hands it to <see cref="Memory.SaveRunAsync"/>.</summary>
    public static AgentRun Run(long turn) => new()
    {
        AgentId = AgentId,
        AgentName = "Bench Agent",
        UserId = UserId,
        Input = UserText(turn),
        Messages = Messages(turn),
        Output = AssistantText(turn),
        Usage = new UsageDetails { InputTokenCount = 120, OutputTokenCount = 90, TotalTokenCount = 210 },
    };

    /// <summary>
    /// A session with <paramref name="turns"/> completed turns in history, written in one <see cref="IStorage.UpsertSessionAsync"/>
    /// call (one transaction / batch) instead of <paramref name="turns"/> appends. The rows are the same per turn as appended
    /// turns (two history messages and one run record each); the run records carry no copy of the messages, as appended runs
    /// do not either (their messages are the history rows).
    /// </summary>
    public static AgentSession Session(string sessionId, int turns)
    {
        var session = new AgentSession { SessionId = sessionId, AgentId = AgentId, UserId = UserId, Metadata = [] };
        for (var turn = 1; turn <= turns; turn++)
        {
            session.Messages.AddRange(Messages(turn));
            session.Runs.Add(new RunRecord
            {
                RunId = $"{sessionId}-run-{turn}",
                Sequence = turn,
                AgentId = AgentId,
                UserId = UserId,
                Status = RunStatus.Completed,
                Input = UserText(turn),
                Output = AssistantText(turn),
            });
        }

        return session;
    }
}
