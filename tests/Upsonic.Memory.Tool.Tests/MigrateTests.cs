using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Upsonic.Memory.Tool.Tests;

/// <summary><c>migrate</c>: across every backend and back, bounded memory, resumable after a kill, verified.</summary>
public sealed partial class MigrateTests(ITestOutputHelper output) : IDisposable
{
    private readonly ToolProcess _tool = new();

    public void Dispose() => _tool.Dispose();

    /// <summary>
    /// 200 sessions: 199 short ones written through the hot path (2 turns each, some with tool calls) and one of 10,000 turns
    /// (20,000 messages of about 2,000 characters: some 40 MB of text, over 80 MB as .NET strings) written through the bulk import API; profiles and knowledge rows.
    /// </summary>
    private async Task<StoreTarget> BigSourceAsync()
    {
        var source = StoreTarget.Create("sqlite", _tool, "big-source");
        await using var storage = source.Open();
        for (var i = 0; i < 199; i++)
        {
            await StoreSeeder.SeedSessionAsync(storage, $"session-{i:D3}", $"user-{i % 20:D2}", 2);
        }

        await StoreSeeder.SeedLongSessionAsync(storage, "session-long", "user-long", 10_000, 2_000);
        for (var u = 0; u < 20; u++)
        {
            await StoreSeeder.SeedProfileAsync(storage, $"user-{u:D2}");
        }

        await StoreSeeder.SeedKnowledgeAsync(storage, "doc-1");
        return source;
    }

    [Fact]
    public async Task Migrate_sqlite_to_postgres_to_redis_to_json_to_sqlite_ends_identical_with_bounded_memory()
    {
        var source = await BigSourceAsync();
        var chain = new[]
        {
            source,
            StoreTarget.Create("postgres", _tool, "chain"),
            StoreTarget.Create("redis", _tool, "chain"),
            StoreTarget.Create("json", _tool, "chain"),
            StoreTarget.Create("sqlite", _tool, "chain-end"),
        };

        for (var i = 0; i + 1 < chain.Length; i++)
        {
            var clock = Stopwatch.StartNew();
            // The tool runs with a 64 MiB GC heap limit: holding the long session whole (over 80 MB of strings alone) fails with
            // OutOfMemoryException; one page of 500 rows (about 2 MB) fits many times over.
            var result = await _tool.RunAsync(HeapLimit, "migrate", "--from", chain[i].Uri, "--to", chain[i + 1].Uri);
            var peak = PeakMebibytes(result);
            output.WriteLine($"{chain[i].Kind} -> {chain[i + 1].Kind}: {clock.Elapsed.TotalSeconds:0.0} s, peak memory {peak} MiB");

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("verified 200 session(s), 10398 run(s)", result.Stderr);
            Assert.Contains("identical in", result.Stderr);
            // Resident memory: the runtime, the drivers and one page, never the long session nor the store.
            Assert.True(peak < MemoryBoundMebibytes, $"peak memory {peak} MiB for {chain[i].Kind} -> {chain[i + 1].Kind}");
        }

        await using var first = chain[0].Open();
        await using var last = chain[^1].Open();
        await StoreComparer.AssertIdenticalAsync(first, last);
    }

    [Fact]
    public async Task A_migrate_killed_midway_resumes_and_finishes_without_duplicates()
    {
        var source = StoreTarget.Create("sqlite", _tool, "resume-source");
        await using (var storage = source.Open())
        {
            for (var i = 0; i < 40; i++)
            {
                await StoreSeeder.SeedSessionAsync(storage, $"session-{i:D2}", "user-1", 3);
            }

            await StoreSeeder.SeedLongSessionAsync(storage, "session-20-long", "user-1", 2_000, 200);
            await StoreSeeder.SeedProfileAsync(storage, "user-1");
        }

        var target = StoreTarget.Create("sqlite", _tool, "resume-target");
        var copied = 0;
        var (killedRun, killed) = await _tool.RunAndKillAsync(line => line.StartsWith("copied session ", StringComparison.Ordinal) && ++copied == 10,
            "migrate", "--from", source.Uri, "--to", target.Uri, "--verbose", "--page-size", "100");

        Assert.True(killed, killedRun.ToString());
        Assert.NotEqual(0, killedRun.ExitCode);
        var checkpoint = Assert.Single(Directory.GetFiles(_tool.WorkingDirectory, ".upsonic-memory-migrate-*.json"));

        var resumed = await _tool.RunAsync("migrate", "--from", source.Uri, "--to", target.Uri, "--verbose", "--page-size", "100");

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("resuming the migration", resumed.Stderr);
        Assert.DoesNotContain("copied session session-00 ", resumed.Stderr);
        Assert.Contains("verified 41 session(s)", resumed.Stderr);
        Assert.False(File.Exists(checkpoint));
        await using var expected = source.Open();
        await using var actual = target.Open();
        await StoreComparer.AssertIdenticalAsync(expected, actual);
    }

    [Fact]
    public async Task Migrate_refuses_to_copy_a_store_onto_itself()
    {
        var result = await _tool.RunAsync("migrate", "--from", "sqlite:a.db", "--to", "sqlite:a.db");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("name the same store", result.Stderr);
    }

    private static readonly Dictionary<string, string> HeapLimit = new() { ["DOTNET_GCHeapHardLimit"] = "0x4000000" };

    /// <summary>The bound asserted on every step's peak resident memory.</summary>
    private const int MemoryBoundMebibytes = 250;

    private static int PeakMebibytes(ToolResult result)
    {
        var match = PeakLine().Match(result.Stderr);
        Assert.True(match.Success, result.ToString());
        return int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"peak memory (\d+) MiB")]
    private static partial Regex PeakLine();
}
