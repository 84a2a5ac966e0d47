using Microsoft.Extensions.AI;
using Upsonic.Storage;
using Upsonic.Storage.Sqlite;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Sqlite.Tests.Agents;

using Memory = Upsonic.Storage.Memory;

// The UseMemory middleware and tool approval over one SQLite file: a response that asks for approval is saved as a paused run
// by one "process" (its own storage, memory, model and pipeline, all disposed), and a second one that shares only the file and
// the session id answers the approval request and completes the run.
public sealed class MiddlewareApprovalAcrossProcessesTests : IDisposable
{
    private readonly string _dbFile = Path.Combine(Path.GetTempPath(), $"upsonic-mw-hitl-{Guid.NewGuid():N}.db");
    private int _toolCalls;

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

    private ChatOptions Options() => new()
    {
        Tools = [new ApprovalRequiredAIFunction(AIFunctionFactory.Create((string path) => { _toolCalls++; return $"deleted {path}"; }, "delete_file"))],
    };

    private static IChatClient Pipeline(IChatClient model, Memory memory) =>
        model.AsBuilder().UseMemory(memory).UseFunctionInvocation().Build();

    private async Task<(ChatResponse Response, ToolApprovalRequestContent Request)> PauseAsync()
    {
        await using var storage = new SqliteStorage(dbFile: _dbFile);
        await using var memory = new Memory(storage, sessionId: "s1", fullSessionMemory: true);
        using var pipeline = Pipeline(Model(), memory);
        var response = await pipeline.GetResponseAsync("Delete a.txt", Options(), Ct);
        return (response, response.Messages.SelectMany(m => m.Contents).OfType<ToolApprovalRequestContent>().Single());
    }

    [Fact]
    public async Task A_response_asking_for_approval_is_saved_as_a_paused_run_and_another_process_completes_it()
    {
        var (paused, request) = await PauseAsync();
        var runId = Assert.IsType<string>(paused.AdditionalProperties![MemoryChatClient.RunIdKey]);
        Assert.Equal(0, _toolCalls);

        await using (var storage = new SqliteStorage(dbFile: _dbFile))
        {
            var checkpoint = await storage.GetRunAsync("s1", runId, Ct);
            Assert.Equal(RunStatus.Paused, checkpoint!.Status);
            Assert.Equal("confirmation", checkpoint.PauseReason);
            Assert.Equal("Delete a.txt", checkpoint.Input);
            // Stored as plain conversation: the user's message and the assistant's call, never the approval protocol.
            Assert.Equal([ChatRole.User, ChatRole.Assistant], checkpoint.Messages.Select(m => m.Role));
            Assert.IsType<FunctionCallContent>(Assert.Single(checkpoint.Messages[1].Contents));
        }

        // The second "process": only the file and the session id are shared; the caller sends just the approval.
        var secondModel = Model();
        await using (var storage = new SqliteStorage(dbFile: _dbFile))
        await using (var memory = new Memory(storage, sessionId: "s1", fullSessionMemory: true))
        {
            using var pipeline = Pipeline(secondModel, memory);
            var answer = await pipeline.GetResponseAsync(new ChatMessage(ChatRole.User, [request.CreateResponse(approved: true)]), Options(), Ct);

            Assert.Equal("Done: deleted a.txt", answer.Text);
        }

        Assert.Equal(1, _toolCalls);
        var sent = Assert.Single(secondModel.Requests);
        Assert.Equal("Delete a.txt", sent.Messages[0].Text);
        await using (var storage = new SqliteStorage(dbFile: _dbFile))
        {
            var run = await storage.GetRunAsync("s1", runId, Ct);
            Assert.Equal(RunStatus.Completed, run!.Status);
            Assert.Equal("Done: deleted a.txt", run.Output);
            Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.Tool, ChatRole.Assistant], run.Messages.Select(m => m.Role));
            var session = await storage.GetSessionAsync("s1", cancellationToken: Ct);
            Assert.Single(session!.Runs);
            Assert.Equal(4, session.Messages.Count);
            Assert.Equal(30, session.Usage!.TotalTokenCount);
        }
    }

    [Fact]
    public async Task A_rejected_approval_completes_the_run_without_running_the_tool()
    {
        var (_, request) = await PauseAsync();

        await using var storage = new SqliteStorage(dbFile: _dbFile);
        await using var memory = new Memory(storage, sessionId: "s1", fullSessionMemory: true);
        using var pipeline = Pipeline(Model(), memory);
        await pipeline.GetResponseAsync(new ChatMessage(ChatRole.User, [request.CreateResponse(approved: false, reason: "not allowed")]), Options(), Ct);

        Assert.Equal(0, _toolCalls);
        var run = Assert.Single((await storage.GetSessionAsync("s1", cancellationToken: Ct))!.Runs);
        Assert.Equal(RunStatus.Completed, run.Status);
    }

    [Fact]
    public async Task An_approval_that_no_paused_run_waits_on_fails_naming_the_call()
    {
        await using var storage = new SqliteStorage(dbFile: _dbFile);
        await using var memory = new Memory(storage, sessionId: "s1", fullSessionMemory: true);
        using var pipeline = Pipeline(Model(), memory);
        var stray = new ToolApprovalRequestContent("req-x", new FunctionCallContent("call-x", "delete_file"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            pipeline.GetResponseAsync(new ChatMessage(ChatRole.User, [stray.CreateResponse(approved: true)]), Options(), Ct));

        Assert.Contains("'call-x'", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _toolCalls);
    }
}
