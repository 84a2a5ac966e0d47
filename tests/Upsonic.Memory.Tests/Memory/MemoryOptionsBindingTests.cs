using Microsoft.Extensions.Configuration;
using Upsonic.Storage;
using MemoryStore = Upsonic.Storage.Memory;

namespace Upsonic.Memory.Tests.Memory;

public sealed class MemoryOptionsBindingTests
{
    [Fact]
    public void Memory_options_bind_from_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Memory:SessionId"] = "s-config",
            ["Memory:UserId"] = "u-config",
            ["Memory:FullSessionMemory"] = "true",
            ["Memory:SummaryMemory"] = "true",
            ["Memory:LoadSummaryMemory"] = "false",
            ["Memory:NumLastMessages"] = "4",
            ["Memory:FeedToolCallResults"] = "true",
            ["Memory:UserMemoryMode"] = "Replace",
            ["Memory:Debug"] = "true",
            ["Memory:DebugLevel"] = "2",
            ["Memory:BackgroundProcessing"] = "true",
            ["Memory:SummaryMaxRuns"] = "7",
            ["Memory:SummaryEveryTurns"] = "5",
            ["Memory:SummaryTokenThreshold"] = "2000",
        }).Build();

        var options = configuration.GetSection("Memory").Get<MemoryOptions>()!;
        var memory = new MemoryStore(new InMemoryStorage(), options);

        Assert.Equal("s-config", memory.SessionId);
        Assert.Equal("u-config", memory.UserId);
        Assert.True(memory.FullSessionMemoryEnabled);
        Assert.True(memory.LoadFullSessionMemoryEnabled);
        Assert.True(memory.SummaryMemoryEnabled);
        Assert.False(memory.LoadSummaryMemoryEnabled);
        Assert.Equal(4, memory.NumLastMessages);
        Assert.True(memory.FeedToolCallResults);
        Assert.Equal(UserMemoryMode.Replace, memory.UserMemoryMode);
        Assert.Equal(2, memory.DebugLevel);
        Assert.True(memory.BackgroundProcessing);
        Assert.Equal(7, options.SummaryMaxRuns);
        Assert.Equal((5, 2_000), (options.SummaryEveryTurns, options.SummaryTokenThreshold));
        Assert.Equal(4_000, options.ProfileMaxInputCharacters);
    }
}
