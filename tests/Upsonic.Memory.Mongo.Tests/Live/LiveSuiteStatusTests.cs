namespace Upsonic.Memory.Mongo.Tests.Live;

/// <summary>Makes the state of the live suite visible in every test run, with or without a server.</summary>
public sealed class LiveSuiteStatusTests
{
    [Fact]
    public void The_live_MongoDB_suite_runs_only_against_a_server_given_by_MONGODB_URI()
    {
        if (MongoTarget.Uri is null)
        {
            Assert.Skip(MongoTarget.SkipReason);
        }

        Assert.StartsWith("mongodb", MongoTarget.Uri, StringComparison.Ordinal);
    }
}
