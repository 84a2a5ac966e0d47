using Microsoft.Extensions.Time.Testing;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.Core.Events;
using Upsonic.Storage;
using Upsonic.Storage.Mongo;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Memory.Mongo.Tests.Live;

/// <summary>
/// The sweep against a writer that revives the session it is deleting. MongoDB has no multi-document transaction, so the sweep
/// deletes the rows numbered up to the counters of the expired head it read; a paused run continued meanwhile keeps its old run
/// sequence, within those counters. The interleaving is made deterministic by continuing the run from the sweeping client's
/// command-started event, between its read of the expired head and its deletes.
/// </summary>
public sealed class MongoExpirySweepRaceTests
{
    private const int Expire = 60;

    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_paused_run_continued_while_another_process_sweeps_its_session_at_the_expiry_instant_keeps_its_run_record_and_messages()
    {
        await using var target = new MongoTarget();
        // Process A's clock is a millisecond behind B's: at B's expiry instant the session is still live for A.
        var clockA = new FakeTimeProvider(Start);
        var a = (MongoStorage)await target.CreateExpiringAsync(Expire, clockA);
        await a.AppendRunAsync(Append("s1", Turn("r1", "q1")), Ct);
        await a.AppendRunAsync(Append("s1", Run("r2", RunStatus.Paused, messages: [User("q2")])), Ct);
        clockA.Advance(TimeSpan.FromSeconds(Expire) - TimeSpan.FromMilliseconds(1));

        var continued = 0;
        var settings = MongoClientSettings.FromConnectionString(MongoTestServer.Require());
        settings.ClusterConfigurator = cluster => cluster.Subscribe<CommandStartedEvent>(e =>
        {
            // B's first delete of rows, right after it read the expired head and its counters.
            if (e.CommandName == "delete" && e.Command.TryGetValue("delete", out var collection) && collection.IsString
                && (collection.AsString == a.MessageCollection || collection.AsString == a.RunCollection) && Interlocked.Exchange(ref continued, 1) == 0)
            {
                a.AppendRunAsync(Append("s1", Run("r2", messages: [User("q2"), Assistant("a2")])), Ct).GetAwaiter().GetResult();
            }
        });
        using var clientB = new MongoClient(settings);
        await using var b = new MongoStorage(clientB, a.DbName, expire: Expire, timeProvider: new FakeTimeProvider(Start.AddSeconds(Expire)));

        await b.AppendRunAsync(Append("other", Turn("o1", "o")), Ct); // B's first write sweeps, and finds s1 expired

        Assert.Equal(1, continued);
        var run = await a.GetRunAsync("s1", "r2", Ct);
        Assert.NotNull(run);
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(["q2", "a2"], run.Messages.Select(m => m.Text));
        var session = await a.GetSessionAsync("s1", cancellationToken: Ct);
        Assert.Equal(["r2"], session!.Runs.Select(r => r.RunId));
        Assert.Equal(["q2", "a2"], session.Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task A_swept_session_that_no_writer_revived_leaves_no_run_even_one_stamped_after_the_cutoff()
    {
        await using var target = new MongoTarget();
        var clock = new FakeTimeProvider(Start);
        var storage = (MongoStorage)await target.CreateExpiringAsync(Expire, clock);
        var session = Session("s1");
        session.Runs = [Run("r1", messages: [User("q1")])];
        session.Runs[0].UpdatedAt = Start.AddDays(1);
        await storage.UpsertSessionAsync(session, Ct);

        clock.Advance(TimeSpan.FromSeconds(Expire) + StorageBase.ExpirySweepInterval);
        await storage.AppendRunAsync(Append("other", Turn("o1", "o")), Ct);

        var raw = await target.ReadRawContentsAsync(storage);
        Assert.DoesNotContain(raw, r => r.Contains("\"s1\"", StringComparison.Ordinal));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
}
