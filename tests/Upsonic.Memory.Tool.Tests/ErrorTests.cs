namespace Upsonic.Memory.Tool.Tests;

/// <summary>Bad URIs, missing stores and unreachable servers: one line on stderr, exit code 2, no stack trace, no password.</summary>
public sealed class ErrorTests : IDisposable
{
    private const string Password = "s3cr3t-P4ss";
    private readonly ToolProcess _tool = new();

    public void Dispose() => _tool.Dispose();

    [Theory]
    [InlineData("nonsense")]
    [InlineData("ftp://host/db")]
    [InlineData("sqlite:")]
    [InlineData("json:")]
    [InlineData("postgres://user:" + Password + "@/db")]
    [InlineData("redis://")]
    [InlineData("sqlite:x.db?colour=blue")]
    [InlineData("postgres://user:" + Password + "@127.0.0.1:5432/db?schema=bad-name!")]
    [InlineData("redis://127.0.0.1:6379?prefix=has%20space")]
    [InlineData("mem0:ftp://api.mem0.ai")]
    [InlineData("mem0:https://user:" + Password + "@api.mem0.ai")]
    [InlineData("mem0:https://api.mem0.ai?deployment=cloud")]
    [InlineData("mem0:https://api.mem0.ai?colour=blue")]
    public async Task A_bad_storage_uri_is_one_line_and_exit_code_2_without_the_password(string uri)
    {
        var result = await _tool.RunAsync("sessions", "list", "--storage", uri);

        AssertOneLineError(result);
    }

    [Fact]
    public async Task A_missing_sqlite_file_is_an_error_and_is_not_created()
    {
        var result = await _tool.RunAsync("sessions", "list", "--storage", "sqlite:missing.db");

        AssertOneLineError(result);
        Assert.Contains("no such database file", result.Stderr);
        Assert.False(File.Exists(_tool.PathOf("missing.db")));
    }

    [Fact]
    public async Task A_missing_json_directory_is_an_error()
    {
        var result = await _tool.RunAsync("users", "show", "alice", "--storage", "json:missing-dir");

        AssertOneLineError(result);
        Assert.Contains("no such directory", result.Stderr);
    }

    [Theory]
    [InlineData("postgres://user:" + Password + "@127.0.0.1:1/db")]
    [InlineData("redis://:" + Password + "@127.0.0.1:1")]
    [InlineData("mongodb://user:" + Password + "@127.0.0.1:1/db?serverSelectionTimeoutMS=1000")]
    [InlineData("mem0:http://127.0.0.1:1?deployment=self_hosted")]
    public async Task An_unreachable_server_is_one_line_and_exit_code_2_without_the_password(string uri)
    {
        var result = await _tool.RunAsync("doctor", "--storage", uri);

        AssertOneLineError(result);
        Assert.Contains("storage error", result.Stderr);
    }

    [Fact]
    public async Task A_mem0_platform_store_without_an_api_key_says_where_to_set_it()
    {
        var result = await _tool.RunAsync(new Dictionary<string, string> { ["MEM0_API_KEY"] = "" }, "sessions", "list", "--storage", "mem0:https://api.mem0.ai");

        AssertOneLineError(result);
        Assert.Contains("set MEM0_API_KEY", result.Stderr);
    }

    [Fact]
    public async Task A_password_from_the_environment_is_never_printed_either()
    {
        var environment = new Dictionary<string, string> { ["UPSONIC_MEMORY_PASSWORD"] = Password };

        var result = await _tool.RunAsync(environment, "sessions", "list", "--storage", "postgres://user@127.0.0.1:1/db");

        AssertOneLineError(result);
    }

    [Fact]
    public async Task The_storage_uri_can_come_from_the_environment()
    {
        var environment = new Dictionary<string, string> { ["UPSONIC_MEMORY_STORAGE"] = "sqlite:from-env.db" };

        var result = await _tool.RunAsync(environment, "sessions", "list");

        AssertOneLineError(result);
        Assert.Contains("sqlite:from-env.db: no such database file", result.Stderr);
    }

    [Fact]
    public async Task No_storage_at_all_says_how_to_give_one()
    {
        var result = await _tool.RunAsync("sessions", "list");

        AssertOneLineError(result);
        Assert.Contains("--storage URI or set UPSONIC_MEMORY_STORAGE", result.Stderr);
    }

    [Theory]
    [InlineData("sessions", "list", "--no-such-option")]
    [InlineData("no-such-command")]
    [InlineData("sessions", "list", "--storage", "sqlite:x.db", "--limit", "0")]
    [InlineData("sessions", "show")]
    public async Task A_usage_error_is_one_line_and_exit_code_2(params string[] args)
    {
        var result = await _tool.RunAsync(args);

        AssertOneLineError(result);
    }

    [Fact]
    public async Task Help_lists_every_command()
    {
        var result = await _tool.RunAsync("--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var command in new[] { "sessions", "users", "export", "import", "migrate", "forget-user", "doctor" })
        {
            Assert.Contains(command, result.Stdout);
        }
    }

    private static void AssertOneLineError(ToolResult result)
    {
        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("upsonic-memory: error: ", line);
        Assert.DoesNotMatch(@"(?m)^\s+at ", result.Stderr);
        Assert.DoesNotContain("Exception:", result.Stderr);
        Assert.DoesNotContain(Password, result.Stderr + result.Stdout);
        Assert.Equal("", result.Stdout);
    }
}
