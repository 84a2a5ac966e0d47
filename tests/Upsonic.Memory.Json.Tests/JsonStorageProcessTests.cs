using Upsonic.Storage;

namespace Upsonic.Memory.Json.Tests;

/// <summary>Several processes over one JsonStorage directory, and processes killed with SIGKILL in the middle of an append.</summary>
public sealed class JsonStorageProcessTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("upsonic-json-processes-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Four_processes_appending_to_one_session_lose_no_run_and_keep_each_writers_order()
    {
        const int writers = 4, runs = 40;
        var processes = Enumerable.Range(0, writers).Select(w => WriterProcess.Start(_directory, "shared", $"w{w}", runs, 10)).ToList();
        try
        {
            await Task.WhenAll(processes.Select(p => p.WaitForExitAsync(Ct)));
        }
        finally
        {
            processes.ForEach(p => p.Dispose());
        }

        await using var storage = new JsonStorage(_directory);
        var session = await storage.GetSessionAsync("shared", cancellationToken: Ct);
        Assert.NotNull(session);
        Assert.Equal(Enumerable.Range(1, writers * runs).Select(i => (long)i), session.Runs.Select(r => r.Sequence));
        for (var w = 0; w < writers; w++)
        {
            var mine = session.Runs.Select(r => r.RunId).Where(id => id.StartsWith($"w{w}-", StringComparison.Ordinal));
            Assert.Equal(Enumerable.Range(0, runs).Select(i => $"w{w}-r{i:0000}"), mine);
        }

        Assert.Equal(writers * runs * 2, session.Messages.Count);
        AssertWholeTurns(session);
    }

    [Fact]
    public async Task A_writer_killed_mid_append_again_and_again_leaves_no_half_turn_and_keeps_every_acknowledged_run()
    {
        const int rounds = 12;
        var acknowledged = new List<string>();
        for (var round = 0; round < rounds; round++)
        {
            // Large messages make each append a long write; the kill lands while the next one is under way.
            using var writer = WriterProcess.Start(_directory, "crashy", $"k{round:00}", runs: 10_000, messageCharacters: 200_000);
            await writer.WaitForSavedAsync(1 + (round % 3), Ct);
            await writer.KillAsync(Ct);
            Assert.Equal(137, writer.ExitCode); // 128 + SIGKILL: killed, not finished
            acknowledged.AddRange(writer.Saved);

            // An append is one write() call, which SIGKILL rarely cuts; a power loss can. Every other round leaves the first half of
            // a copy of the last line at the end of the log, as a cut write would, for the next process to find and cut off.
            if (round % 2 == 1)
            {
                await TearLastLineAsync(Directory.GetFiles(Path.Combine(_directory, "upsonic_sessions"), "*.log.jsonl").Single());
            }
        }

        await using var storage = new JsonStorage(_directory);
        var session = await storage.GetSessionAsync("crashy", cancellationToken: Ct);
        Assert.NotNull(session);
        Assert.Equal(Enumerable.Range(1, session.Runs.Count).Select(i => (long)i), session.Runs.Select(r => r.Sequence));
        Assert.Empty(acknowledged.Except(session.Runs.Select(r => r.RunId)));
        AssertWholeTurns(session);

        // The log still takes appends after the last crash, and they read back whole.
        var after = await storage.AppendRunAsync(TestRuns.Append("crashy", "after-crashes"), Ct);
        Assert.Equal(session.Runs.Count + 1, after.Sequence);
        var window = await storage.LoadSessionWindowAsync("crashy", 1, Ct);
        Assert.Equal(["question after-crashes", "answer after-crashes"], window!.Turns.Single().Messages.Select(m => m.Text));
    }

    private static async Task TearLastLineAsync(string log)
    {
        var lines = await File.ReadAllLinesAsync(log, Ct);
        await File.AppendAllTextAsync(log, lines[^1][..(lines[^1].Length / 2)], Ct);
    }

    /// <summary>Every run has exactly its question and its answer, in its own turn.</summary>
    private static void AssertWholeTurns(AgentSession session)
    {
        foreach (var run in session.Runs)
        {
            Assert.Equal(2, run.Messages.Count);
            Assert.StartsWith($"question {run.RunId} ", run.Messages[0].Text + " ", StringComparison.Ordinal);
            Assert.StartsWith($"answer {run.RunId} ", run.Messages[1].Text + " ", StringComparison.Ordinal);
        }

        Assert.Equal(session.Runs.Count * 2, session.Messages.Count);
    }
}
