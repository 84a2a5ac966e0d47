using System.Text.Json.Nodes;
using Upsonic.Storage;
using Xunit;
using static Upsonic.Storage.Testing.MemoryTurns;

namespace Upsonic.Storage.Testing;

/// <summary>Storage failures: a failed save surfaces to the caller; a failed read in prepare is a warning and an empty part.</summary>
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

    [Fact]
    public async Task A_failed_session_read_in_prepare_is_a_warning_and_empty_session_parts()
    {
        await AppendAsync("s1", "r1", true, User("u1"), Assistant("a1"));
        await Storage.UpsertUserMemoryAsync(new UserMemory { UserId = "u1", Profile = new JsonObject { ["name"] = "Bob" } }, Ct);
        var memory = new Memory(FaultyStorage.Wrap(Storage, nameof(IStorage.LoadSessionWindowAsync)),
            new MemoryOptions { SessionId = "s1", UserId = "u1", FullSessionMemory = true, UserAnalysisMemory = true }, null, Logs);
        var context = await memory.PrepareAsync(ct: Ct);
        Assert.Empty(context.MessageHistory);
        Assert.Equal("", context.MetadataInjection);
        Assert.Equal("<UserProfile>\n- name: Bob\n</UserProfile>", context.SystemPromptInjection);
        Assert.Contains(Logs.Warnings, w => w.Message.Contains("s1", StringComparison.Ordinal) && w.Exception is StorageException);
    }

    [Fact]
    public async Task A_failed_profile_read_in_prepare_leaves_the_history()
    {
        await AppendAsync("s1", "r1", true, User("u1"), Assistant("a1"));
        var memory = new Memory(FaultyStorage.Wrap(Storage, nameof(IStorage.GetUserMemoryAsync)),
            new MemoryOptions { SessionId = "s1", FullSessionMemory = true, UserAnalysisMemory = true }, null, Logs);
        var context = await memory.PrepareAsync(ct: Ct);
        Assert.Equal(2, context.MessageHistory.Count);
        Assert.Equal("", context.SystemPromptInjection);
        Assert.Single(Logs.Warnings);
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
