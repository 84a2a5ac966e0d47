using Microsoft.Extensions.AI;
using Upsonic.Storage;
using Upsonic.Storage.Sqlite;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Sqlite.Tests.Agents;

using Memory = Upsonic.Storage.Memory;

// Human in the loop over one SQLite file: the run pauses in one "process" (its own storage, memory, model and agent objects,
// all disposed) and is continued by a second one that shares only the file and the ids. (samples/HumanInTheLoop does the same
// with two real OS processes; see tests/Upsonic.Memory.Samples.Tests.)
public sealed class HumanInTheLoopAcrossProcessesTests : IDisposable
{
    private readonly string _dbFile = Path.Combine(Path.GetTempPath(), $"upsonic-hitl-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        foreach (var file in new[] { _dbFile, _dbFile + "-wal", _dbFile + "-shm" })
        {
            File.Delete(file);
        }
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ScriptedChatClient Model() => new ScriptedChatClient { UsagePerReply = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5, TotalTokenCount = 15 } }
        .When(r => r.Messages.Any(m => m.Contents.OfType<FunctionResultContent>().Any()),
            r => "Done: " + r.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Last().Result)
        .When(_ => true, _ => new ChatResponse(new ChatMessage(ChatRole.Assistant,
            [new FunctionCallContent("call-1", "delete_file", new Dictionary<string, object?> { ["path"] = "a.txt" })])));

    [Fact]
    public async Task A_run_paused_in_one_process_is_continued_in_another_and_the_tool_runs_once()
    {
        var toolCalls = 0;
        AITool Tool() => new ApprovalRequiredAIFunction(AIFunctionFactory.Create((string path) => { toolCalls++; return $"deleted {path}"; }, "delete_file"));

        string runId;
        await using (var storage = new SqliteStorage(dbFile: _dbFile))
        await using (var memory = new Memory(storage, sessionId: "s1", fullSessionMemory: true))
        {
            var task = new AgentTask("Delete a.txt");
            await new Agent(Model(), memory, tools: [Tool()], agentId: "agent-1").DoAsync(task, Ct);
            Assert.Equal(RunStatus.Paused, task.Status);
            Assert.Equal("confirmation", task.PauseReason);
            runId = task.RunId!;
        }

        Assert.Equal(0, toolCalls);
        string? answer;
        await using (var storage = new SqliteStorage(dbFile: _dbFile))
        await using (var memory = new Memory(storage, sessionId: "s1", fullSessionMemory: true))
        {
            answer = await new Agent(Model(), memory, tools: [Tool()], agentId: "agent-1").ContinueRunAsync(runId, approve: true, ct: Ct);
        }

        Assert.Equal("Done: deleted a.txt", answer);
        Assert.Equal(1, toolCalls);
        await using var reader = new SqliteStorage(dbFile: _dbFile);
        var session = await reader.GetSessionAsync("s1", cancellationToken: Ct);
        Assert.NotNull(session);
        var run = Assert.Single(session.Runs);
        Assert.Equal(runId, run.RunId);
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.Tool, ChatRole.Assistant], run.Messages.Select(m => m.Role));
        Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.Tool, ChatRole.Assistant], session.Messages.Select(m => m.Role));
        Assert.Equal(30, run.Usage?.TotalTokenCount);
        Assert.Equal(30, session.Usage?.TotalTokenCount);
    }
}
