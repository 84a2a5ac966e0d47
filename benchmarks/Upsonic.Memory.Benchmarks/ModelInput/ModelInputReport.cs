using Upsonic.Benchmarks.Fixtures;
using Upsonic.Storage;
using Upsonic.Storage.Testing;

namespace Upsonic.Benchmarks.ModelInput;

/// <summary>
/// DESIGN.md 9, third bullet (a count, not a timing): characters memory sends to the model (summarizer + profile analyzer) per turn
/// over a 200-turn conversation, recorded by <see cref="ScriptedChatClient"/> (instructions + message text; schemas not counted),
/// versus upstream's prompt construction (<see cref="UpstreamPromptSimulator"/>) on the same conversation and the same replies.
/// Run with <c>dotnet run -c Release --project benchmarks/Upsonic.Memory.Benchmarks -- model-input</c>.
/// </summary>
public static class ModelInputReport
{
    private const int Turns = 200;
    private static readonly int[] ReportedTurns = [1, 10, 100, 200];

    /// <summary>Runs both conversations and prints a Markdown table to stdout.</summary>
    public static async Task RunAsync()
    {
        var model = new ScriptedChatClient()
            .Summaries(_ => ScriptedReplies.Summary)
            .Traits(ScriptedReplies.ProfileJson);
        await using var storage = new InMemoryStorage();
        await using var memory = new Memory(storage, sessionId: "model-input", userId: Conversation.UserId,
            fullSessionMemory: true, summaryMemory: true, userAnalysisMemory: true, numLastMessages: 10, model: model);
        var upstream = new UpstreamPromptSimulator();

        var rows = new List<(int Turn, long OurSummary, long OurProfile, int OurCalls, long UpSummary, long UpProfile)>();
        for (var turn = 1; turn <= Turns; turn++)
        {
            var before = model.CallCount;
            await memory.PrepareAsync();
            await memory.SaveRunAsync(Conversation.Run(turn));
            var requests = model.Requests.Skip(before).ToList();
            var (upSummary, upProfile) = upstream.Turn(turn);
            rows.Add((turn,
                requests.Where(MemoryScripts.IsSummary).Sum(r => (long)r.CharacterCount),
                requests.Where(r => MemoryScripts.IsProfile(r)).Sum(r => (long)r.CharacterCount),
                requests.Count, upSummary, upProfile));
        }

        Console.WriteLine("| Turn | Ours: summary | Ours: profile | Ours: total (calls) | Upstream: summary | Upstream: profile | Upstream: total | Upstream / ours |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows.Where(r => ReportedTurns.Contains(r.Turn)))
        {
            Print($"{r.Turn}", r.OurSummary, r.OurProfile, $" ({r.OurCalls})", r.UpSummary, r.UpProfile);
        }

        Print($"**Total, {Turns} turns**", rows.Sum(r => r.OurSummary), rows.Sum(r => r.OurProfile), $" ({rows.Sum(r => r.OurCalls)})",
            rows.Sum(r => r.UpSummary), rows.Sum(r => r.UpProfile));
        var ours = rows.Select(r => r.OurSummary + r.OurProfile).ToList();
        Console.WriteLine();
        Console.WriteLine($"Ours per turn: min {ours.Min():N0}, max {ours.Max():N0} characters over turns 1-{Turns}; " +
            $"turns 2-{Turns}: min {ours.Skip(1).Min():N0}, max {ours.Skip(1).Max():N0}.");
        Console.WriteLine($"Unattributed requests (neither summary nor profile): {model.Requests.Count(r => !MemoryScripts.IsSummary(r) && !MemoryScripts.IsProfile(r))}.");
    }

    private static void Print(string label, long ourSummary, long ourProfile, string calls, long upSummary, long upProfile)
    {
        var ours = ourSummary + ourProfile;
        var up = upSummary + upProfile;
        Console.WriteLine($"| {label} | {ourSummary:N0} | {ourProfile:N0} | {ours:N0}{calls} | {upSummary:N0} | {upProfile:N0} | {up:N0} | {(double)up / ours:N1}x |");
    }
}
