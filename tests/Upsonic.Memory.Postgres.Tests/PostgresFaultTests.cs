using Upsonic.Storage;
using Upsonic.Storage.Postgres;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Memory.Postgres.Tests;

/// <summary>
/// Server faults on a private cluster this test owns: while the server is stopped every call fails with
/// <see cref="StorageException"/>; after it restarts on the same port, the same storage object works again.
/// </summary>
public sealed class PostgresFaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Calls_fail_with_StorageException_while_the_server_is_down_and_the_same_storage_recovers_after_restart()
    {
        await using var cluster = await PrivateCluster.StartNewAsync();
        await using var storage = new PostgresStorage(cluster.ConnectionString, "fault_test");
        await storage.AppendRunAsync(Append("s1", Turn("r1", "before")), Ct);

        await cluster.StopAsync();

        // The first call meets the pooled connection the server closed, later ones a refused connect: both are StorageException.
        var load = await Assert.ThrowsAsync<StorageException>(() => storage.LoadSessionWindowAsync("s1", null, Ct));
        Assert.Equal("LoadSessionWindow", load.Operation);
        Assert.Equal("s1", load.RecordId);
        Assert.NotNull(load.InnerException);
        var append = await Assert.ThrowsAsync<StorageException>(() => storage.AppendRunAsync(Append("s1", Turn("r2", "while down")), Ct));
        Assert.Equal("AppendRun", append.Operation);
        await Assert.ThrowsAsync<StorageException>(() => storage.UpdateUserProfileAsync(
            new ProfileUpdate { UserId = "u1", Traits = new() { ["name"] = "Ada" } }, Ct));

        await cluster.StartAsync();

        await storage.AppendRunAsync(Append("s1", Turn("r2", "after")), Ct);
        var window = await storage.LoadSessionWindowAsync("s1", null, Ct);
        Assert.Equal(["before", "after"], window!.Turns.Select(t => t.Messages[0].Text));
    }

    [Fact]
    public async Task A_storage_over_a_server_that_never_ran_fails_with_StorageException_without_the_password()
    {
        await using var storage = new PostgresStorage("postgresql://someone:hunter2secret@127.0.0.1:1/nowhere");

        var ex = await Assert.ThrowsAsync<StorageException>(() => storage.GetSessionAsync("s1", cancellationToken: Ct));

        Assert.DoesNotContain("hunter2secret", ex.ToString(), StringComparison.Ordinal);
    }
}
