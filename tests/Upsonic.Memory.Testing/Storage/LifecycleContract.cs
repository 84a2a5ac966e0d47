using Upsonic.Storage;
using Xunit;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Storage.Testing;

/// <summary>Creating tables, clearing everything, and disposing without losing data.</summary>
/// <typeparam name="TTarget">The backend's target.</typeparam>
public abstract class LifecycleContract<TTarget> : HistoryWindowContract<TTarget>
    where TTarget : StorageTarget, new()
{
    [Fact]
    public async Task Ensure_created_can_run_twice_and_then_every_table_exists()
    {
        Target.RequireEngineFeature(EngineFeature.TableListing);
        var storage = await CreateAsync();

        await storage.EnsureCreatedAsync(Ct);
        await storage.EnsureCreatedAsync(Ct);

        Assert.True(await storage.TableExistsAsync(storage.SessionTable, Ct));
        Assert.True(await storage.TableExistsAsync(storage.UserMemoryTable, Ct));
        Assert.True(await storage.TableExistsAsync(storage.KnowledgeTable, Ct));
    }

    [Fact]
    public async Task Ensure_created_keeps_existing_data()
    {
        var storage = await CreateAsync();
        await AppendTurnsAsync(storage, "s1", 1, ct: Ct);

        await storage.EnsureCreatedAsync(Ct);

        Assert.Single((await storage.GetSessionAsync("s1", cancellationToken: Ct))!.Runs);
    }

    [Fact]
    public async Task Clear_all_removes_sessions_runs_profiles_and_knowledge()
    {
        var storage = await CreateAsync();
        await AppendTurnsAsync(storage, "s1", 2, "u1", ct: Ct);
        await storage.UpsertSessionAsync(Session("s2"), Ct);
        await storage.UpsertUserMemoryAsync(new UserMemory { UserId = "u1" }, Ct);
        await storage.UpsertKnowledgeContentAsync(new KnowledgeRow { Id = "k1", Name = "doc" }, Ct);

        await storage.ClearAllAsync(Ct);

        Assert.Equal(0, (await storage.GetSessionsAsync(cancellationToken: Ct)).Total);
        Assert.Equal(0, (await storage.GetUserMemoriesAsync(cancellationToken: Ct)).Total);
        Assert.Equal(0, (await storage.GetKnowledgeContentsAsync(cancellationToken: Ct)).Total);
        Assert.Null(await storage.FindRunAsync("r1", cancellationToken: Ct));
        Assert.Null(await storage.LoadSessionWindowAsync("s1", null, Ct));
    }

    [Fact]
    public async Task Clear_all_leaves_the_tables_of_another_storage_at_the_same_location()
    {
        var storage = await CreateAsync();
        var neighbour = await OpenWithOtherTablesAsync(storage, "other_sessions", "other_memories", "other_knowledge");
        await AppendTurnsAsync(storage, "mine", 1, "u1", ct: Ct);
        await AppendTurnsAsync(neighbour, "theirs", 2, "u2", ct: Ct);
        await neighbour.UpsertUserMemoryAsync(new UserMemory { UserId = "u2" }, Ct);
        await neighbour.UpsertKnowledgeContentAsync(new KnowledgeRow { Id = "k2", Name = "doc" }, Ct);

        await storage.ClearAllAsync(Ct);

        Assert.Equal(0, (await storage.GetSessionsAsync(cancellationToken: Ct)).Total);
        Assert.Equal(["theirs"], Ids(await neighbour.GetSessionsAsync(cancellationToken: Ct)));
        Assert.Equal(2, (await neighbour.LoadSessionWindowAsync("theirs", null, Ct))!.Turns.Count);
        Assert.Single((await neighbour.GetUserMemoriesAsync(cancellationToken: Ct)).Items);
        Assert.Single((await neighbour.GetKnowledgeContentsAsync(cancellationToken: Ct)).Items);
    }

    [Fact]
    public async Task A_cleared_storage_can_be_written_again_from_the_start()
    {
        var storage = await CreateAsync();
        await AppendTurnsAsync(storage, "s1", 3, ct: Ct);
        await storage.ClearAllAsync(Ct);

        var result = await storage.AppendRunAsync(Append("s1", Turn("r9", "again")), Ct);

        Assert.Equal(new RunAppendResult(1, 2, true, true), result);
        Assert.Single((await storage.LoadSessionWindowAsync("s1", null, Ct))!.Turns);
    }

    [Fact]
    public async Task Disposing_a_storage_does_not_erase_its_data()
    {
        var storage = await CreateAsync();
        await AppendTurnsAsync(storage, "s1", 2, "u1", ct: Ct);
        await storage.UpsertUserMemoryAsync(new UserMemory { UserId = "u1" }, Ct);
        await storage.UpsertKnowledgeContentAsync(new KnowledgeRow { Id = "k1", Name = "doc" }, Ct);

        await DisposeStorageAsync(storage);
        var reopened = await OpenAnotherAsync(storage);

        Assert.Equal(4, (await reopened.GetSessionAsync("s1", cancellationToken: Ct))!.Messages.Count);
        Assert.NotNull(await reopened.GetUserMemoryAsync("u1", cancellationToken: Ct));
        Assert.NotNull(await reopened.GetKnowledgeContentAsync("k1", Ct));
    }

    [Fact]
    public async Task Another_instance_sees_the_writes_of_the_first()
    {
        var storage = await CreateAsync();
        var another = await OpenAnotherAsync(storage);

        await AppendTurnsAsync(storage, "s1", 1, ct: Ct);
        await another.AppendRunAsync(Append("s1", Turn("r2", "from another")), Ct);

        Assert.Equal(["r1", "r2"], (await storage.GetSessionAsync("s1", cancellationToken: Ct))!.Runs.Select(r => r.RunId));
    }
}
