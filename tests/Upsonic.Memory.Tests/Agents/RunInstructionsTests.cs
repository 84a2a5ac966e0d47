using Upsonic.Storage;

namespace Upsonic.Memory.Tests.Agents;

public sealed class RunInstructionsTests
{
    [Fact]
    public void Nothing_to_say_gives_no_instructions()
    {
        Assert.Null(RunInstructions.Compose(null, MemoryContext.Empty));
        Assert.Null(RunInstructions.Compose("  ", MemoryContext.Empty));
    }

    [Fact]
    public void The_system_prompt_comes_first_then_the_profile_then_a_context_block_with_summary_and_metadata()
    {
        var context = new MemoryContext
        {
            SystemPromptInjection = "<UserProfile>\n- name: Alice\n</UserProfile>",
            ContextInjection = "<SessionSummary>\nTalked about Rome.\n</SessionSummary>",
            MetadataInjection = "<AgentMetadata>\n  app: demo\n</AgentMetadata>",
        };

        var instructions = RunInstructions.Compose("You are helpful.", context);

        Assert.Equal(
            "You are helpful.\n\n<UserProfile>\n- name: Alice\n</UserProfile>\n\n<Context>\n<SessionSummary>\nTalked about Rome.\n</SessionSummary>\n\n"
            + "<AgentMetadata>\n  app: demo\n</AgentMetadata>\n</Context>",
            instructions);
    }

    [Fact]
    public void Memory_blocks_alone_make_the_instructions()
    {
        var context = new MemoryContext { MetadataInjection = "<SessionMetadata>\n  tier: gold\n</SessionMetadata>" };

        Assert.Equal("<Context>\n<SessionMetadata>\n  tier: gold\n</SessionMetadata>\n</Context>", RunInstructions.Compose(null, context));
    }
}
