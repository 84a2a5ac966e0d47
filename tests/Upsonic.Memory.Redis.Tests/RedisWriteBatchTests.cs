using StackExchange.Redis;
using Upsonic.Storage.Redis;

namespace Upsonic.Memory.Redis.Tests;

/// <summary>
/// The write script's merged commands (writes of one kind to one key sent as one HSET / ZADD / HDEL / ZREM) on a real server:
/// the result is the one the writes give applied one by one, in order.
/// </summary>
public sealed class RedisWriteBatchTests : IAsyncLifetime
{
    private readonly string _tag = "{wb" + Guid.NewGuid().ToString("N")[..16] + "}";
    private ConnectionMultiplexer _client = null!;

    private IDatabase Db => _client.GetDatabase();

    private RedisKey Hash => _tag + ":h";

    private RedisKey Set => _tag + ":z";

    public async ValueTask InitializeAsync()
    {
        await RedisTestServer.RequireAsync();
        _client = await ConnectionMultiplexer.ConnectAsync(RedisTestServer.Config);
    }

    public async ValueTask DisposeAsync()
    {
        await Db.KeyDeleteAsync([Hash, Set]);
        await _client.DisposeAsync();
    }

    [Fact]
    public async Task Writes_to_one_field_around_a_delete_of_it_end_with_the_last_write()
    {
        var batch = new RedisWriteBatch(Hash)
            .HashSet(Hash, "f", "1").HashSet(Hash, "g", "1")
            .HashDelete(Hash, "f").HashDelete(Hash, "g")
            .HashSet(Hash, "g", "2").HashSet(Hash, "f", "3").HashSet(Hash, "f", "3");

        Assert.True(await batch.ExecuteAsync(Db, null, null));

        var fields = (await Db.HashGetAllAsync(Hash)).ToDictionary(e => (string)e.Name!, e => (string)e.Value!);
        Assert.Equal(new Dictionary<string, string> { ["f"] = "3", ["g"] = "2" }, fields);
    }

    [Fact]
    public async Task A_member_added_twice_with_other_keys_written_between_keeps_its_last_score()
    {
        var batch = new RedisWriteBatch(Hash)
            .SortedSetAdd(Set, "m", 1).HashSet(Hash, "f", "1").SortedSetAdd(Set, "n", 2).SortedSetAdd(Set, "m", 5)
            .SortedSetRemove(Set, "n").SortedSetAdd(Set, "n", 7);

        Assert.True(await batch.ExecuteAsync(Db, null, null));

        Assert.Equal([("m", 5.0), ("n", 7.0)], (await Db.SortedSetRangeByRankWithScoresAsync(Set)).Select(e => ((string)e.Element!, e.Score)));
        Assert.Equal("1", await Db.HashGetAsync(Hash, "f"));
    }

    [Fact]
    public async Task More_fields_than_one_command_holds_are_all_written_and_a_delete_of_the_key_before_them_applies_first()
    {
        await Db.HashSetAsync(Hash, "old", "x");
        var count = (2 * RedisWriteBatch.MaxItemsPerCommand) + 1;
        var batch = new RedisWriteBatch(Hash).Delete(Hash);
        for (var i = 0; i < count; i++)
        {
            batch.HashSet(Hash, "f" + i, i);
        }

        Assert.True(await batch.ExecuteAsync(Db, null, null));

        Assert.Equal(count, await Db.HashLengthAsync(Hash));
        Assert.False(await Db.HashExistsAsync(Hash, "old"));
        Assert.Equal(count - 1, (long)await Db.HashGetAsync(Hash, "f" + (count - 1)));
    }

    [Fact]
    public async Task A_version_conflict_writes_none_of_the_merged_commands()
    {
        await Db.HashSetAsync(Hash, "version", 3);
        var batch = new RedisWriteBatch(Hash).HashSet(Hash, "f", "1").HashSet(Hash, "g", "1").SortedSetAdd(Set, "m", 1);

        Assert.False(await batch.ExecuteAsync(Db, 2, null));

        Assert.Equal(1, await Db.HashLengthAsync(Hash));
        Assert.False(await Db.KeyExistsAsync(Set));
    }
}
