using StackExchange.Redis;
using Upsonic.Storage;
using Upsonic.Storage.Redis;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Memory.Redis.Tests;

/// <summary>
/// A private redis-server that the test stops and restarts: calls fail with <see cref="StorageException"/> while it is down, and the
/// same storage object works again once it is back.
/// </summary>
public sealed class RedisFaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_stopped_server_fails_calls_with_storage_exception_and_the_same_storage_recovers_after_a_restart()
    {
        await RedisTestServer.RequireAsync();
        await using var server = await PrivateRedisServer.StartAsync();
        await using var storage = new RedisStorage(server.Endpoint, "fault");
        await storage.AppendRunAsync(Append("s1", Turn("r1", "before")), Ct);

        var connection = await storage.ConnectionAsync();
        var restored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive)
            {
                restored.TrySetResult();
            }
        };

        await server.StopAsync();
        var down = await Assert.ThrowsAsync<StorageException>(() => storage.AppendRunAsync(Append("s1", Turn("r2", "while down")), Ct));
        Assert.Equal("AppendRun", down.Operation);
        await Assert.ThrowsAsync<StorageException>(() => storage.LoadSessionWindowAsync("s1", null, Ct));
        await Assert.ThrowsAsync<StorageException>(() => storage.GetSessionsAsync(cancellationToken: Ct));

        await server.StartAsync();
        // Wait (bounded) for the driver's own reconnect event rather than sleeping.
        await restored.Task.WaitAsync(TimeSpan.FromSeconds(60), Ct);

        // The restarted server has no persistence, so it is empty: the same storage object writes and reads again.
        await storage.AppendRunAsync(Append("s1", Turn("r3", "after")), Ct);
        var window = await storage.LoadSessionWindowAsync("s1", null, Ct);
        Assert.Equal("after", window!.Turns.Single().Messages[0].Text);
    }
}
