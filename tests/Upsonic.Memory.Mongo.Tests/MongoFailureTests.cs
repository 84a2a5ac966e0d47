using System.Net;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.Core.Clusters;
using MongoDB.Driver.Core.Connections;
using MongoDB.Driver.Core.Servers;
using Upsonic.Storage.Mongo;

namespace Upsonic.Memory.Mongo.Tests;

public sealed class MongoFailureTests
{
    private static MongoCommandException CommandError(int code) =>
        new(new ConnectionId(new ServerId(new ClusterId(), new DnsEndPoint("localhost", 27017))), "failed",
            new BsonDocument("findAndModify", "c"), new BsonDocument { { "ok", 0 }, { "code", code }, { "codeName", "X" }, { "errmsg", "failed" } });

    [Fact]
    public async Task An_upsert_that_lost_a_creation_race_is_sent_again()
    {
        var calls = 0;
        var result = await MongoFailure.RetryUpsertAsync(() => ++calls == 1 ? throw CommandError(MongoFailure.DuplicateKey) : Task.FromResult("updated"));
        Assert.Equal(("updated", 2), (result, calls));
    }

    [Fact]
    public async Task Other_failures_and_repeated_duplicates_are_not_hidden()
    {
        await Assert.ThrowsAsync<MongoCommandException>(() => MongoFailure.RetryUpsertAsync<int>(() => throw CommandError(13)));
        var calls = 0;
        await Assert.ThrowsAsync<MongoCommandException>(() => MongoFailure.RetryUpsertAsync<int>(() => { calls++; throw CommandError(MongoFailure.DuplicateKey); }));
        Assert.Equal(3, calls);
    }

    [Fact]
    public void A_wrapped_failure_names_operation_and_record_but_not_the_driver_message()
    {
        var error = MongoFailure.Wrap(new TimeoutException("A timeout occurred after 1000ms selecting a server ... mongodb://app:pw@host"), "AppendRun", "s-1");
        Assert.Equal(("AppendRun", "s-1"), (error.Operation, error.RecordId));
        Assert.Contains("AppendRun", error.Message);
        Assert.Contains("s-1", error.Message);
        Assert.DoesNotContain("pw@", error.Message);
        Assert.IsType<TimeoutException>(error.InnerException);
    }

    [Fact]
    public void Only_driver_failures_are_wrapped()
    {
        Assert.True(MongoFailure.IsDriverFailure(CommandError(1)));
        Assert.True(MongoFailure.IsDriverFailure(new TimeoutException()));
        Assert.False(MongoFailure.IsDriverFailure(new OperationCanceledException()));
        Assert.False(MongoFailure.IsDriverFailure(new ArgumentException()));
    }
}
