using Upsonic.Storage;
using Upsonic.Storage.Redis;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Memory.Redis.Tests;

/// <summary>
/// A private redis-server frozen with SIGSTOP (the connection stays open, nothing is answered): a call fails with
/// <see cref="StorageException"/> after the driver's timeout, a cancelled call ends with <see cref="OperationCanceledException"/>,
/// and the same storage works again after SIGCONT.
/// </summary>
public sealed class RedisFrozenServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_call_to_a_frozen_server_fails_with_a_storage_exception_and_the_storage_works_after_the_server_resumes()
    {
        await RedisTestServer.RequireAsync();
        await using var server = await PrivateRedisServer.StartAsync();
        await using var storage = new RedisStorage(server.Endpoint + ",asyncTimeout=1000,syncTimeout=1000", "frozen");
        await storage.AppendRunAsync(Append("s1", Turn("r1", "before")), Ct);

        await server.FreezeAsync();
        try
        {
            var ex = await Assert.ThrowsAsync<StorageException>(() => storage.LoadSessionWindowAsync("s1", null, Ct));
            Assert.Equal("LoadSessionWindow", ex.Operation);
        }
        finally
        {
            await server.ThawAsync();
        }

        await storage.AppendRunAsync(Append("s1", Turn("r2", "after")), Ct);
        Assert.Equal(2, (await storage.LoadSessionWindowAsync("s1", null, Ct))!.Turns.Count);
    }

    [Fact]
    public async Task Cancelling_a_call_to_a_frozen_server_ends_it_with_operation_canceled_not_a_storage_exception()
    {
        await RedisTestServer.RequireAsync();
        await using var server = await PrivateRedisServer.StartAsync();
        // A long driver timeout: only the cancellation can end the call early.
        await using var storage = new RedisStorage(server.Endpoint + ",asyncTimeout=600000,syncTimeout=600000", "frozen");
        await storage.AppendRunAsync(Append("s1", Turn("r1", "before")), Ct);

        await server.FreezeAsync();
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            cts.CancelAfter(TimeSpan.FromMilliseconds(200));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => storage.AppendRunAsync(Append("s1", Turn("r2", "while frozen")), cts.Token));
        }
        finally
        {
            await server.ThawAsync();
        }
    }
}
