using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Upsonic.Storage;
using Xunit;
using Xunit.v3;

namespace Upsonic.Storage.Testing;

/// <summary>What every Memory acceptance suite shares: a fresh storage from <typeparamref name="TTarget"/> per test, a scripted
/// agent model, a scripted memory model and a recording logger factory.</summary>
public abstract class MemoryAcceptanceBase<TTarget> : StorePagingContract<TTarget>
    where TTarget : StorageTarget, new()
{
    /// <summary>A fresh, empty storage for this test.</summary>
    protected IStorage Storage { get; private set; } = null!;

    /// <summary>The model the scripted agent talks to (answers "ok" unless told otherwise).</summary>
    protected ScriptedChatClient AgentModel { get; } = new("ok");

    /// <summary>The model memory uses for summaries and profiles (no default reply: unscripted requests fail loudly).</summary>
    protected ScriptedChatClient MemoryModel { get; } = new();

    /// <summary>Records every log entry.</summary>
    protected RecordingLoggerFactory Logs { get; } = new();

    /// <inheritdoc />
    /// <remarks>Only the acceptance tests get <see cref="Storage"/>; the storage contract tests earlier in the chain create their own.</remarks>
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var declaringType = (TestContext.Current.TestMethod as IXunitTestMethod)?.Method.DeclaringType;
        if (declaringType is not null && typeof(MemoryAcceptanceBase<TTarget>).IsAssignableFrom(declaringType))
        {
            Storage = await CreateAsync();
        }
    }

    /// <summary>A memory over <see cref="Storage"/> with the given settings, <see cref="Logs"/> and (unless <paramref name="withModel"/> is false) <see cref="MemoryModel"/>.</summary>
    protected Memory NewMemory(MemoryOptions options, bool withModel = true, ILoggerFactory? loggerFactory = null) =>
        new(Storage, options, withModel ? MemoryModel : null, loggerFactory ?? Logs);

    /// <summary>Runs one scripted turn.</summary>
    protected Task<TurnResult> TurnAsync(Memory memory, string userText, IReadOnlyDictionary<string, object?>? agentMetadata = null, string? runId = null) =>
        MemoryTurns.RunAsync(memory, AgentModel, userText, agentMetadata, runId: runId);

    /// <summary>Appends a run straight to storage (as another writer would).</summary>
    protected Task AppendAsync(string sessionId, string runId, bool inHistory, params ChatMessage[] messages) =>
        Storage.AppendRunAsync(new RunAppend
        {
            SessionId = sessionId,
            Run = new RunRecord { RunId = runId, Status = RunStatus.Completed, Messages = [.. messages] },
            AddToHistory = inHistory,
        }, Ct);

    /// <summary>Asserts a formatted block; on targets that do not keep JSON key order, only its set of lines.</summary>
    protected void AssertBlock(string expected, string actual)
    {
        if (Target.PreservesKeyOrder)
        {
            Assert.Equal(expected, actual);
            return;
        }

        Assert.Equal(expected.Split('\n').Order(StringComparer.Ordinal), actual.Split('\n').Order(StringComparer.Ordinal));
    }

    /// <summary>Asserts that a stored JSON map has exactly the expected content (key order aside).</summary>
    protected static void AssertJson(string expected, System.Text.Json.Nodes.JsonNode? actual) =>
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(expected), actual), $"Expected {expected}, got {actual?.ToJsonString()}");
}
