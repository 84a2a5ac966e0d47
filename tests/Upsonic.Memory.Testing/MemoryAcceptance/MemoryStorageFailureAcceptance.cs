using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Upsonic.Storage;
using Xunit;
using static Upsonic.Storage.Testing.MemoryTurns;

namespace Upsonic.Storage.Testing;

/// <summary>Storage failures surface to the caller of the run: a failed save, and a failed read in prepare, before the model is called.</summary>
public abstract class MemoryStorageFailureAcceptance<TTarget> : MemorySettingsAcceptance<TTarget>
    where TTarget : StorageTarget, new()
{
    [Fact]
    public async Task A_failed_turn_write_surfaces_to_the_caller_before_any_model_work()
    {
        MemoryModel.Summaries(_ => "never");
        var memory = new Memory(FaultyStorage.Wrap(Storage, nameof(IStorage.AppendRunAsync)), new MemoryOptions { FullSessionMemory = true, SummaryMemory = true }, MemoryModel, Logs);
        await Assert.ThrowsAsync<StorageException>(() => TurnAsync(memory, "hello"));
        Assert.Equal(0, MemoryModel.CallCount);
        Assert.Null(await Storage.GetSessionAsync(memory.SessionId, cancellationToken: Ct));
    }

    [Theory]
    [InlineData(nameof(IStorage.LoadSessionWindowAsync))]
    [InlineData(nameof(IStorage.GetUserMemoryAsync))]
    public async Task A_failed_read_in_prepare_fails_with_the_storage_exception_and_logs_no_empty_context(string failing)
    {
        await AppendAsync("s1", "r1", true, User("u1"), Assistant("a1"));
        await Storage.UpsertUserMemoryAsync(new UserMemory { UserId = "u1", Profile = new JsonObject { ["name"] = "Bob" } }, Ct);
        var memory = new Memory(FaultyStorage.Wrap(Storage, failing),
            new MemoryOptions { SessionId = "s1", UserId = "u1", FullSessionMemory = true, UserAnalysisMemory = true }, null, Logs);

        var ex = await Assert.ThrowsAsync<StorageException>(() => memory.PrepareAsync(ct: Ct));

        Assert.Contains(failing, ex.Message, StringComparison.Ordinal);
        Assert.False(ex.IsCorruptData);
        Assert.Empty(Logs.Warnings);
    }

    [Fact]
    public async Task An_agent_run_over_a_failing_storage_fails_before_the_model_is_called()
    {
        var memory = new Memory(FaultyStorage.Wrap(Storage, nameof(IStorage.LoadSessionWindowAsync)),
            new MemoryOptions { SessionId = "s1", FullSessionMemory = true }, null, Logs);
        var agent = new Agent(AgentModel, memory);

        await Assert.ThrowsAsync<StorageException>(() => agent.DoAsync("hello", Ct));

        Assert.Equal(0, AgentModel.CallCount);
        Assert.Null(await Storage.GetSessionAsync("s1", cancellationToken: Ct));
    }

    [Fact]
    public async Task A_memory_pipeline_over_a_failing_storage_fails_before_the_inner_client_is_called()
    {
        var memory = new Memory(FaultyStorage.Wrap(Storage, nameof(IStorage.LoadSessionWindowAsync)),
            new MemoryOptions { SessionId = "s1", FullSessionMemory = true }, null, Logs);
        var client = AgentModel.AsBuilder().UseMemory(memory).Build();

        await Assert.ThrowsAsync<StorageException>(() => client.GetResponseAsync("hello", cancellationToken: Ct));
        await Assert.ThrowsAsync<StorageException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("hello", cancellationToken: Ct))
            {
                Assert.Fail($"No update may arrive: {update.Text}");
            }
        });

        Assert.Equal(0, AgentModel.CallCount);
        Assert.Null(await Storage.GetSessionAsync("s1", cancellationToken: Ct));
    }

    [Fact]
    public async Task A_storage_failure_during_the_summary_surfaces_after_the_turn_is_saved()
    {
        MemoryModel.Summaries(_ => "never");
        var memory = new Memory(FaultyStorage.Wrap(Storage, nameof(IStorage.GetRunsAfterAsync)),
            new MemoryOptions { FullSessionMemory = true, SummaryMemory = true }, MemoryModel, Logs);
        await Assert.ThrowsAsync<StorageException>(() => TurnAsync(memory, "hello"));
        Assert.Equal(2, (await Storage.GetSessionAsync(memory.SessionId, cancellationToken: Ct))!.Messages.Count);
    }
}
