using Upsonic.AgentFramework;
using Upsonic.Memory.AgentFramework.Tests.Backends;
using Upsonic.Storage;

namespace Upsonic.Memory.AgentFramework.Tests;

/// <summary>A serialized agent session carries its memory scope, so a restored session continues the same memory.</summary>
public abstract class SessionSerializationTests<TBackend> : AgentMemoryTestBase<TBackend>
    where TBackend : StorageBackend, new()
{
    [Fact]
    public async Task A_deserialized_session_on_a_new_agent_recalls_the_earlier_turns()
    {
        var options = new MemoryOptions { FullSessionMemory = true };
        var firstHistory = new MemoryChatHistoryProvider(NewFactory(options));
        var firstAgent = NewAgent(firstHistory, [new MemoryContextProvider(NewFactory(options))]);
        var session = await firstAgent.CreateSessionAsync(Ct);
        await RunAsync(firstAgent, session, "My name is Ada.");
        var json = await firstAgent.SerializeSessionAsync(session, cancellationToken: Ct);

        var secondHistory = new MemoryChatHistoryProvider(NewFactory(options));
        var secondAgent = NewAgent(secondHistory, [new MemoryContextProvider(NewFactory(options))]);
        var restored = await secondAgent.DeserializeSessionAsync(json, cancellationToken: Ct);
        await RunAsync(secondAgent, restored, "What is my name?");

        Assert.Equal(firstHistory.GetScope(session), secondHistory.GetScope(restored));
        Assert.Equal(["user: My name is Ada.", "assistant: ok", "user: What is my name?"], SentTexts(1));
        Assert.Contains(MemoryChatHistoryProvider.DefaultStateKey, json.GetRawText(), StringComparison.Ordinal);
    }
}
