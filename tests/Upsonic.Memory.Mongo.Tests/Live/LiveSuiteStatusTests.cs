namespace Upsonic.Memory.Mongo.Tests.Live;

/// <summary>Makes the state of the live suite visible in every test run, with or without a server.</summary>
public sealed class LiveSuiteStatusTests
{
    [Fact]
    public void The_live_MongoDB_suite_runs_against_the_server_given_by_MONGODB_URI()
    {
        var uri = MongoTestServer.Require();

        Assert.StartsWith("mongodb", uri, StringComparison.Ordinal);
    }

}
