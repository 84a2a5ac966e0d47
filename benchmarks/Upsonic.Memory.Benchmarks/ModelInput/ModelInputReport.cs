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

    /// <summary>The summary cadences compared in the second table: every turn (the default, as upstream), then fewer calls.</summary>
    private static readonly (string Label, int EveryTurns, int? TokenThreshold)[] Cadences =
    [
        ("every turn (default)", 1, null),
        ("SummaryEveryTurns = 5", 5, null),
        ("SummaryEveryTurns = 10", 10, null),
        ("SummaryEveryTurns = 20, SummaryTokenThreshold = 1000", 20, 1_000),
    ];

    /// <summary>Runs both conversations and prints two Markdown tables to stdout.</summary>
    public static async Task RunAsync()
    {
        var ours = await RunOursAsync(everyTurns: 1, tokenThreshold: null);
        var upstream = new UpstreamPromptSimulator();
        var rows = ours.Select(r => (r, upstream.Turn(r.Turn))).ToList();

        Console.WriteLine("| Turn | Ours: summary | Ours: profile | Ours: total (calls) | Upstream: summary | Upstream: profile | Upstream: total | Upstream / ours |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (r, up) in rows.Where(row => ReportedTurns.Contains(row.r.Turn)))
        {
            Print($"{r.Turn}", r.Summary, r.Profile, $" ({r.SummaryCalls + r.ProfileCalls})", up.Summary, up.Profile);
        }

        Print($"**Total, {Turns} turns**", ours.Sum(r => r.Summary), ours.Sum(r => r.Profile), $" ({ours.Sum(r => r.SummaryCalls + r.ProfileCalls)})",
            rows.Sum(r => r.Item2.Summary), rows.Sum(r => r.Item2.Profile));
        var perTurn = ours.Select(r => r.Summary + r.Profile).ToList();
        Console.WriteLine();
        Console.WriteLine($"Ours per turn: min {perTurn.Min():N0}, max {perTurn.Max():N0} characters over turns 1-{Turns}; " +
            $"turns 2-{Turns}: min {perTurn.Skip(1).Min():N0}, max {perTurn.Skip(1).Max():N0}.");
        Console.WriteLine($"Unattributed requests (neither summary nor profile): {ours.Sum(r => r.Unattributed)}.");

        Console.WriteLine();
        Console.WriteLine($"Summary cadence over the same {Turns} turns (profile analysis unchanged: one call per turn):");
        Console.WriteLine();
        Console.WriteLine("| Cadence | Summary calls | Summary calls per turn | Summary characters | Summary characters per turn | Largest summary request | Turns left out of the summary |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (label, everyTurns, tokenThreshold) in Cadences)
        {
            var run = everyTurns == 1 && tokenThreshold is null ? ours : await RunOursAsync(everyTurns, tokenThreshold);
            var calls = run.Sum(r => r.SummaryCalls);
            var characters = run.Sum(r => r.Summary);
            var leftOut = run[^1].LeftOut;
            Console.WriteLine($"| {label} | {calls:N0} | {(double)calls / Turns:N2} | {characters:N0} | {(double)characters / Turns:N0} | {run.Max(r => r.LargestSummary):N0} | {leftOut} |");
        }
    }

    /// <summary>One turn of our side: characters and calls by kind, and (after the last turn) how many turns the summary misses.</summary>
    private sealed record OurTurn(int Turn, long Summary, long Profile, int SummaryCalls, int ProfileCalls, int Unattributed, int LargestSummary, int LeftOut);

    /// <summary>Runs the conversation through Memory with the given summary cadence, recording every model request.</summary>
    private static async Task<List<OurTurn>> RunOursAsync(int everyTurns, int? tokenThreshold)
    {
        var model = new ScriptedChatClient()
            .Summaries(_ => ScriptedReplies.Summary)
            .Traits(ScriptedReplies.ProfileJson);
        await using var storage = new InMemoryStorage();
        var options = new MemoryOptions
        {
            SessionId = "model-input", UserId = Conversation.UserId, FullSessionMemory = true, SummaryMemory = true, UserAnalysisMemory = true,
            NumLastMessages = 10, SummaryEveryTurns = everyTurns, SummaryTokenThreshold = tokenThreshold,
        };
        await using var memory = new Memory(storage, options, model);
        var rows = new List<OurTurn>();
        var summarized = new HashSet<int>();
        for (var turn = 1; turn <= Turns; turn++)
        {
            var before = model.CallCount;
            await memory.PrepareAsync();
            await memory.SaveRunAsync(Conversation.Run(turn));
            var requests = model.Requests.Skip(before).ToList();
            var summaries = requests.Where(MemoryScripts.IsSummary).ToList();
            var profiles = requests.Where(r => MemoryScripts.IsProfile(r)).ToList();
            foreach (var request in summaries)
            {
                summarized.UnionWith(Enumerable.Range(1, turn).Where(t => request.Contains(Conversation.UserText(t))));
            }

            rows.Add(new OurTurn(turn, summaries.Sum(r => (long)r.CharacterCount), profiles.Sum(r => (long)r.CharacterCount),
                summaries.Count, profiles.Count, requests.Count - summaries.Count - profiles.Count,
                summaries.Count == 0 ? 0 : summaries.Max(r => r.CharacterCount), 0));
        }

        // The turns the cadence has not reached yet (at most K - 1) are waiting, not left out: count only those before the watermark.
        var watermark = (int)(await storage.LoadSessionWindowAsync("model-input", 0))!.Session.SummaryWatermark;
        rows[^1] = rows[^1] with { LeftOut = Enumerable.Range(1, watermark).Count(t => !summarized.Contains(t)) };
        return rows;
    }

    private static void Print(string label, long ourSummary, long ourProfile, string calls, long upSummary, long upProfile)
    {
        var ours = ourSummary + ourProfile;
        var up = upSummary + upProfile;
        Console.WriteLine($"| {label} | {ourSummary:N0} | {ourProfile:N0} | {ours:N0}{calls} | {upSummary:N0} | {upProfile:N0} | {up:N0} | {(double)up / ours:N1}x |");
    }
}
