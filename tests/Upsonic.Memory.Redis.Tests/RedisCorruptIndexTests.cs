using Upsonic.Storage;
using Upsonic.Storage.Redis;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Memory.Redis.Tests;

/// <summary>Index entries edited outside the library are corrupt data of their session, not raw cast errors.</summary>
public sealed class RedisCorruptIndexTests : IAsyncLifetime
{
    private readonly RedisTarget _target = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await RedisTestServer.RequireAsync();

    public ValueTask DisposeAsync() => _target.DisposeAsync();

    [Fact]
    public async Task A_non_numeric_history_index_member_is_a_storage_exception_naming_the_session()
    {
        await using var storage = (RedisStorage)await _target.CreateAsync();
        await AppendTurnsAsync(storage, "s-index", 2, ct: Ct);
        await AppendTurnsAsync(storage, "s-fine", 1, ct: Ct);
        await RedisTarget.CorruptHistoryIndexAsync(storage, "s-index");

        foreach (var read in new Func<Task>[]
        {
            () => storage.LoadSessionWindowAsync("s-index", null, Ct),
            () => storage.GetSessionAsync("s-index", cancellationToken: Ct),
        })
        {
            var ex = await Assert.ThrowsAsync<StorageException>(read);
            Assert.True(ex.IsCorruptData);
            Assert.Equal("s-index", ex.RecordId);
        }

        Assert.Single((await storage.LoadSessionWindowAsync("s-fine", null, Ct))!.Turns);
    }
}
