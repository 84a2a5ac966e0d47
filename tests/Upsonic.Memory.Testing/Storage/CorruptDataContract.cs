using System.Text.RegularExpressions;
using Upsonic.Storage;
using Xunit;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Storage.Testing;

/// <summary>A corrupt stored message fails only the reads that need it, with a <see cref="StorageException"/> naming it.</summary>
/// <typeparam name="TTarget">The backend's target.</typeparam>
public abstract class CorruptDataContract<TTarget> : LifecycleContract<TTarget>
    where TTarget : StorageTarget, new()
{
    private const string Broken = "broken-session";

    [Fact]
    public async Task Reading_a_session_with_a_corrupt_message_throws_a_storage_exception_naming_it()
    {
        var storage = await CorruptedAsync();

        foreach (var read in new Func<Task>[]
        {
            () => storage.GetSessionAsync(Broken, cancellationToken: Ct),
            () => storage.LoadSessionWindowAsync(Broken, null, Ct),
            () => storage.LoadSessionWindowAsync(Broken, 1, Ct),
            () => storage.GetRunAsync(Broken, "r2", Ct),
        })
        {
            var ex = await Assert.ThrowsAsync<StorageException>(read);
            Assert.Contains(Broken, ex.Message, StringComparison.Ordinal);
            Assert.Matches(new Regex(@"\b3\b"), ex.Message);
        }
    }

    [Fact]
    public async Task Reads_that_do_not_need_the_corrupt_message_still_work()
    {
        var storage = await CorruptedAsync();

        Assert.Equal(["q1", "answer to q1"], (await storage.GetRunAsync(Broken, "r1", Ct))!.Messages.Select(m => m.Text));
        Assert.Empty((await storage.LoadSessionWindowAsync(Broken, 0, Ct))!.Turns);
        Assert.Equal(2, (await storage.GetSessionAsync("healthy", cancellationToken: Ct))!.Messages.Count);
        Assert.Single((await storage.LoadSessionWindowAsync("healthy", null, Ct))!.Turns);
    }

    [Fact]
    public async Task A_corrupt_session_can_still_be_deleted()
    {
        var storage = await CorruptedAsync();
        Assert.True(await storage.DeleteSessionAsync(Broken, Ct));
        Assert.Null(await storage.GetSessionAsync(Broken, cancellationToken: Ct));
    }

    private async Task<IStorage> CorruptedAsync()
    {
        var storage = await CreateAsync();
        await AppendTurnsAsync(storage, Broken, 2, ct: Ct);
        await AppendTurnsAsync(storage, "healthy", 1, ct: Ct);

        // Messages 1-2 belong to run r1, messages 3-4 to run r2.
        await Target.CorruptMessageAsync(storage, Broken, 3);
        return storage;
    }
}
