namespace Upsonic.Memory.Tool.Tests;

/// <summary><c>forget-user</c>: the dry run changes nothing; the real run leaves no trace of the user in a raw scan of the engine.</summary>
public sealed class ForgetUserTests : IDisposable
{
    private const string User = "forget-me-7f3a";
    private readonly ToolProcess _tool = new();

    public void Dispose() => _tool.Dispose();

    [Theory]
    [InlineData("sqlite")]
    [InlineData("json")]
    [InlineData("postgres")]
    [InlineData("redis")]
    [InlineData("mongo")]
    public async Task Forget_user_leaves_no_trace_of_the_user_in_a_raw_scan_and_keeps_everyone_else(string kind)
    {
        var store = StoreTarget.Create(kind, _tool, "forget");
        await using (var storage = store.Open())
        {
            await StoreSeeder.SeedSessionAsync(storage, "fm-session-a", User, 3);
            await StoreSeeder.SeedSessionAsync(storage, "fm-session-b", User, 2);
            await StoreSeeder.SeedSessionAsync(storage, "kept-session", "kept-user-9b1c", 2);
            await StoreSeeder.SeedProfileAsync(storage, User);
            await StoreSeeder.SeedProfileAsync(storage, "kept-user-9b1c");
        }

        var before = await store.RawDumpAsync();
        var dryRun = await _tool.RunAsync("forget-user", User, "--storage", store.Uri, "--dry-run");

        Assert.True(dryRun.ExitCode == 0, dryRun.ToString());
        Assert.Contains("would delete session fm-session-a (3 runs", dryRun.Stdout);
        Assert.Contains("would delete session fm-session-b (2 runs", dryRun.Stdout);
        Assert.Contains("would delete 2 session(s) and the profile", dryRun.Stdout);
        Assert.DoesNotContain("kept-session", dryRun.Stdout);
        Assert.Contains(User, before);
        Assert.Contains("fm-session-a", before);

        var forget = await _tool.RunAsync("forget-user", User, "--storage", store.Uri);

        Assert.True(forget.ExitCode == 0, forget.ToString());
        Assert.Contains("deleted 2 session(s) and the profile", forget.Stdout);
        var after = await store.RawDumpAsync();
        Assert.DoesNotContain(User, after);
        Assert.DoesNotContain("fm-session-a", after);
        Assert.DoesNotContain("fm-session-b", after);
        Assert.Contains("kept-session", after);
        Assert.Contains("kept-user-9b1c", after);
    }
}
