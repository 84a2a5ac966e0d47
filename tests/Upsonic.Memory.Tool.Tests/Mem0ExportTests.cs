using Upsonic.Memory.Mem0.Tests;
using Upsonic.Storage.Mem0;

namespace Upsonic.Memory.Tool.Tests;

/// <summary>A <c>mem0:</c> store, on the local fake of the Mem0 API (both deployments), exported by the tool.</summary>
public sealed class Mem0ExportTests : IDisposable
{
    private readonly ToolProcess _tool = new();

    public void Dispose() => _tool.Dispose();

    [Theory]
    [InlineData(Mem0Deployment.Platform, "platform")]
    [InlineData(Mem0Deployment.SelfHosted, "self_hosted")]
    public async Task A_mem0_store_exported_and_imported_into_sqlite_reads_the_same_and_its_api_key_is_never_printed(Mem0Deployment deployment, string name)
    {
        await using var server = new Mem0TestServer(apiKey: "platform-secret-key", selfHostedKey: "server-secret-key");
        var key = deployment == Mem0Deployment.Platform ? server.ApiKey : server.SelfHostedKey!;
        var options = new Mem0StorageOptions { Deployment = deployment, BaseUrl = server.BaseUrl, ApiKey = key, DefaultUserId = "tool_test", RetryDelay = TimeSpan.Zero };
        await using (var seeding = new Mem0Storage(options))
        {
            await StoreSeeder.SeedSessionAsync(seeding, "alice-1", "alice", 3);
            await StoreSeeder.SeedSessionAsync(seeding, "bob-1", "bob", 2, agentId: "agent-2");
            await StoreSeeder.SeedLongSessionAsync(seeding, "long-1", "carol", 20, 300);
            await StoreSeeder.SeedProfileAsync(seeding, "alice");
            await StoreSeeder.SeedKnowledgeAsync(seeding, "doc-1");
        }

        var file = _tool.PathOf("mem0.jsonl");
        var target = StoreTarget.Create("sqlite", _tool, "target");
        var uri = $"mem0:{server.BaseUrl}?deployment={name}&user_id=tool_test";

        var export = await _tool.RunAsync(new Dictionary<string, string> { ["MEM0_API_KEY"] = key }, "export", "--storage", uri, "--output", file, "--page-size", "2");
        var import = await _tool.RunAsync("import", file, "--storage", target.Uri);

        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.Contains("exported 3 session(s), 25 run(s)", export.Stderr);
        Assert.DoesNotContain(key, export.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(key, File.ReadAllText(file), StringComparison.Ordinal);
        Assert.True(import.ExitCode == 0, import.ToString());
        await using var expected = new Mem0Storage(options);
        await using var actual = target.Open();
        await StoreComparer.AssertIdenticalAsync(expected, actual);
    }
}
