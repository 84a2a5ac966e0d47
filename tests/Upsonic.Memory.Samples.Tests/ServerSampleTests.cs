namespace Upsonic.Memory.Samples.Tests;

/// <summary>
/// The server-backend samples, run twice against the test servers that test.sh starts: the second process must remember what the
/// first was told. A missing server fails under CI=true and skips locally (MongoDB: MONGODB_URI, which test.sh points at the
/// stand-in server of eng/test-servers/mongo.sh).
/// </summary>
public sealed class ServerSampleTests : IDisposable
{
    private readonly SampleProcess _samples = new();

    public void Dispose() => _samples.Dispose();

    [Fact]
    public Task Redis_sample_remembers_across_processes() =>
        RemembersAcrossProcessesAsync("Redis", "UPSONIC_REDIS_URL", Server("UPSONIC_TEST_REDIS", "eval \"$(eng/test-servers/redis.sh start)\""));

    [Fact]
    public Task Postgres_sample_remembers_across_processes() =>
        RemembersAcrossProcessesAsync("Postgres", "UPSONIC_POSTGRES_URL", Server("UPSONIC_TEST_POSTGRES", "eval \"$(eng/test-servers/postgres.sh start)\""));

    [Fact]
    public Task Mongo_sample_remembers_across_processes() =>
        RemembersAcrossProcessesAsync("Mongo", "MONGODB_URI", Server("MONGODB_URI", "eval \"$(eng/test-servers/mongo.sh start)\""));

    private async Task RemembersAcrossProcessesAsync(string sample, string urlVariable, string url)
    {
        var environment = new Dictionary<string, string>
        {
            [urlVariable] = url,
            ["UPSONIC_SAMPLE_SESSION"] = "sample-" + Guid.NewGuid().ToString("N"),
        };

        var first = await _samples.RunAsync(sample, environment, "My name is Alice and I'm a Python developer");
        var second = await _samples.RunAsync(sample, environment, "What's my name and expertise?");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("Messages stored before this run: 0", first.Output);
        Assert.Contains("Messages stored before this run: 2", second.Output);
        var answer = second.Output.Split('\n').Single(l => l.StartsWith("Agent:", StringComparison.Ordinal));
        Assert.Contains("Alice", answer);
        Assert.Contains("Python", answer);
        Assert.Contains("Messages stored now: 4", second.Output);
    }

    private static string Server(string variable, string howToStart)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrWhiteSpace(value))
        {
            return value;
        }

        var message = $"{variable} is not set: start the test server with {howToStart} (./test.sh does it).";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(message);
        }

        Assert.Skip(message);
        return "";
    }
}
