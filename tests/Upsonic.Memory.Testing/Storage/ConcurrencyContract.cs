using System.Text.Json.Nodes;
using Upsonic.Storage;
using Xunit;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Storage.Testing;

/// <summary>
/// No lost updates: concurrent writers, each through its own storage instance (as separate processes would), never lose a run,
/// a message, a metadata key or a profile key.
/// </summary>
/// <typeparam name="TTarget">The backend's target.</typeparam>
public abstract class ConcurrencyContract<TTarget> : UnreadableListingContract<TTarget>
    where TTarget : StorageTarget, new()
{
    private const int Writers = 8;

    [Fact]
    public async Task Eight_writers_appending_a_hundred_runs_each_to_one_session_lose_nothing_and_keep_their_order()
    {
        Target.RequireEngineFeature(EngineFeature.AtomicConcurrentUpdates);
        const int runsPerWriter = 100;
        var storages = await InstancesAsync();

        await Task.WhenAll(storages.Select((storage, w) => Task.Run(async () =>
        {
            for (var i = 0; i < runsPerWriter; i++)
            {
                await storage.AppendRunAsync(Append("shared", Turn($"w{w}-r{i:000}", $"w{w} q{i}", "u1")), Ct);
            }
        })));

        var session = await storages[0].GetSessionAsync("shared", cancellationToken: Ct);
        Assert.Equal(Writers * runsPerWriter, session!.Runs.Count);
        Assert.Equal(Writers * runsPerWriter * 2, session.Messages.Count);
        Assert.Equal(Enumerable.Range(1, Writers * runsPerWriter).Select(i => (long)i), session.Runs.Select(r => r.Sequence));
        for (var w = 0; w < Writers; w++)
        {
            var mine = session.Runs.Where(r => r.RunId.StartsWith($"w{w}-", StringComparison.Ordinal)).Select(r => r.RunId).ToList();
            Assert.Equal(Enumerable.Range(0, runsPerWriter).Select(i => $"w{w}-r{i:000}"), mine);
        }

        Assert.All(session.Runs, r => Assert.Equal(ExpectedUserText(r.RunId), r.Messages[0].Text));
        var turns = (await storages[0].LoadSessionWindowAsync("shared", null, Ct))!.Turns;
        Assert.Equal(Writers * runsPerWriter, turns.Count);
        Assert.All(turns, t => Assert.Equal(2, t.Messages.Count));
    }

    [Fact]
    public async Task Concurrent_metadata_merges_of_different_keys_keep_every_key()
    {
        const int keysPerWriter = 20;
        var storages = await InstancesAsync();
        await storages[0].AppendRunAsync(Append("shared", Turn("r1", "hi")), Ct);

        await Task.WhenAll(storages.Select((storage, w) => Task.Run(async () =>
        {
            for (var k = 0; k < keysPerWriter; k++)
            {
                Assert.True(await storage.MergeSessionMetadataAsync("shared", new JsonObject { [$"w{w}-k{k}"] = k }, Ct));
            }
        })));

        var metadata = (await storages[0].LoadSessionWindowAsync("shared", 0, Ct))!.Session.Metadata!;
        Assert.Equal(Writers * keysPerWriter, metadata.Count);
        Assert.Equal(7, metadata["w3-k7"]!.GetValue<int>());
    }

    [Fact]
    public async Task Concurrent_profile_updates_of_different_keys_keep_every_key()
    {
        const int keysPerWriter = 20;
        var storages = await InstancesAsync();

        await Task.WhenAll(storages.Select((storage, w) => Task.Run(async () =>
        {
            for (var k = 0; k < keysPerWriter; k++)
            {
                await storage.UpdateUserProfileAsync(new ProfileUpdate { UserId = "u1", Traits = new JsonObject { [$"w{w}-k{k}"] = $"v{k}" } }, Ct);
            }
        })));

        var profile = (await storages[0].GetUserMemoryAsync("u1", cancellationToken: Ct))!.Profile;
        Assert.Equal(Writers * keysPerWriter, profile.Count);
        Assert.Equal("v19", profile["w7-k19"]!.GetValue<string>());
    }

    private static string ExpectedUserText(string runId)
    {
        var parts = runId.Split("-r");
        return $"{parts[0]} q{int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)}";
    }

    private async Task<List<IStorage>> InstancesAsync()
    {
        var first = await CreateAsync();
        var storages = new List<IStorage> { first };
        for (var i = 1; i < Writers; i++)
        {
            storages.Add(await OpenAnotherAsync(first));
        }

        return storages;
    }
}
