using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Upsonic.Storage;

namespace Upsonic.Memory.Tests.Memory;

public sealed class MemoryContextTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void ToInstructions_puts_the_system_prompt_first_then_the_profile_then_the_context_block()
    {
        var context = new MemoryContext
        {
            SystemPromptInjection = "<UserProfile>\n- name: Alice\n</UserProfile>",
            ContextInjection = "<SessionSummary>\nTalked about Rome.\n</SessionSummary>",
        };

        Assert.Equal(
            "Be brief.\n\n<UserProfile>\n- name: Alice\n</UserProfile>\n\n<Context>\n<SessionSummary>\nTalked about Rome.\n</SessionSummary>\n</Context>",
            context.ToInstructions("Be brief."));
        Assert.Equal("Be brief.", MemoryContext.Empty.ToInstructions("Be brief."));
        Assert.Null(MemoryContext.Empty.ToInstructions(null));
    }

    [Fact]
    public async Task The_history_half_of_a_prepare_has_no_blocks_and_the_blocks_half_has_no_history()
    {
        var storage = new InMemoryStorage();
        await using var memory = new Upsonic.Storage.Memory(storage, sessionId: "s", userId: "u", fullSessionMemory: true, userAnalysisMemory: true);
        await memory.SaveRunAsync(new AgentRun { Input = "hi", Messages = [new(ChatRole.User, "hi"), new(ChatRole.Assistant, "hello")] }, Ct);
        await memory.SetMetadataAsync(new Dictionary<string, object?> { ["tier"] = "gold" }, Ct);
        await storage.UpsertUserMemoryAsync(new UserMemory { UserId = "u", Profile = new JsonObject { ["name"] = "Ada" } }, Ct);

        var history = await memory.PrepareAsync(MemoryParts.History, null, Ct);
        var blocks = await memory.PrepareAsync(MemoryParts.Blocks, null, Ct);
        var whole = await memory.PrepareAsync(ct: Ct);

        Assert.Equal(2, history.MessageHistory.Count);
        Assert.Equal("", history.SystemPromptInjection + history.MetadataInjection + history.ContextInjection);
        Assert.Empty(blocks.MessageHistory);
        Assert.Equal(whole.SystemPromptInjection, blocks.SystemPromptInjection);
        Assert.Equal(whole.MetadataInjection, blocks.MetadataInjection);
        Assert.Contains("Ada", blocks.SystemPromptInjection, StringComparison.Ordinal);
        Assert.Contains("gold", blocks.MetadataInjection, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public async Task Prepare_with_parts_that_name_no_part_fails_naming_the_parameter(int parts)
    {
        await using var memory = new Upsonic.Storage.Memory(new InMemoryStorage(), sessionId: "s", fullSessionMemory: true);
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => memory.PrepareAsync((MemoryParts)parts, null, Ct));
        Assert.Equal("parts", error.ParamName);
    }
}
