using Microsoft.Extensions.AI;
using Upsonic.Storage;
using Upsonic.Storage.Sqlite;
using Upsonic.Memory.Tests.Shared;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Sqlite.Tests.Agents;

using Memory = Upsonic.Storage.Memory;

// The UseMemory middleware and tool approval over one SQLite file, across two OS processes: the first (the MiddlewareHost
// program, started with dotnet) gets a response that asks for approval, saved as a paused run; the second process shares only
// the file, the session id, the run id (MemoryChatClient.RunIdKey) and the approval request, and completes the run.
public sealed class MiddlewareApprovalAcrossProcessesTests : IDisposable
{
    private const string Host = "Upsonic.Memory.Sqlite.MiddlewareHost";
    private readonly string _directory = Directory.CreateTempSubdirectory("upsonic-mw-hitl-").FullName;
    private int _toolCalls;

    private string DbFile => Path.Combine(_directory, "memory.db");

    private string RequestFile => Path.Combine(_directory, "request.json");

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ScriptedChatClient Model() => new ScriptedChatClient()
        .When(r => r.Messages.Any(m => m.Contents.OfType<FunctionResultContent>().Any()),
            r => "Done: " + r.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Last().Result)
        .When(_ => true, _ => new ChatResponse(new ChatMessage(ChatRole.Assistant,
            [new FunctionCallContent("call-1", "delete_file", new Dictionary<string, object?> { ["path"] = "a.txt" })])));

    private ChatOptions Options() => new()
    {
        Tools = [new ApprovalRequiredAIFunction(AIFunctionFactory.Create((string path) => { _toolCalls++; return $"deleted {path}"; }, "delete_file"))],
    };

    /// <summary>The first process: the call that pauses. Returns the paused run's id.</summary>
    private async Task<string> PauseInAProcessAsync()
    {
        var paused = await HostProcess.RunJsonAsync(Host, _directory, "pause", DbFile, "s1", RequestFile);
        Assert.Equal(0, paused.GetProperty("toolCalls").GetInt32());
        return paused.GetProperty("runId").GetString()!;
    }

    [Fact]
    public async Task A_response_asking_for_approval_is_saved_as_a_paused_run_and_another_process_completes_it()
    {
        var runId = await PauseInAProcessAsync();

        await using (var storage = new SqliteStorage(dbFile: DbFile))
        {
            var checkpoint = await storage.GetRunAsync("s1", runId, Ct);
            Assert.Equal(RunStatus.Paused, checkpoint!.Status);
            Assert.Equal("confirmation", checkpoint.PauseReason);
            Assert.Equal("Delete a.txt", checkpoint.Input);
            // Stored as plain conversation: the user's message and the assistant's call, never the approval protocol.
            Assert.Equal([ChatRole.User, ChatRole.Assistant], checkpoint.Messages.Select(m => m.Role));
            Assert.IsType<FunctionCallContent>(Assert.Single(checkpoint.Messages[1].Contents));
        }

        // The second process: only the file, the session id, the run id and the approval request are handed over.
        var resumed = await HostProcess.RunJsonAsync(Host, _directory, "resume", DbFile, "s1", RequestFile, runId, "approve");

        Assert.Equal("Done: deleted a.txt", resumed.GetProperty("text").GetString());
        Assert.Equal(1, resumed.GetProperty("toolCalls").GetInt32());
        Assert.Equal(1, resumed.GetProperty("modelCalls").GetInt32());
        Assert.Equal("Delete a.txt", resumed.GetProperty("firstSent").GetString());
        await using (var storage = new SqliteStorage(dbFile: DbFile))
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
    public async Task A_rejected_approval_in_another_process_completes_the_run_without_running_the_tool()
    {
        var runId = await PauseInAProcessAsync();

        var rejected = await HostProcess.RunJsonAsync(Host, _directory, "resume", DbFile, "s1", RequestFile, runId, "reject");

        Assert.Equal(0, rejected.GetProperty("toolCalls").GetInt32());
        await using var storage = new SqliteStorage(dbFile: DbFile);
        var run = Assert.Single((await storage.GetSessionAsync("s1", cancellationToken: Ct))!.Runs);
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(runId, run.RunId);
    }

    [Fact]
    public async Task An_approval_that_no_paused_run_waits_on_fails_naming_the_call()
    {
        await using var storage = new SqliteStorage(dbFile: DbFile);
        await using var memory = new Memory(storage, sessionId: "s1", fullSessionMemory: true);
        using var pipeline = Model().AsBuilder().UseMemory(memory).UseFunctionInvocation().Build();
        var stray = new ToolApprovalRequestContent("req-x", new FunctionCallContent("call-x", "delete_file"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            pipeline.GetResponseAsync(new ChatMessage(ChatRole.User, [stray.CreateResponse(approved: true)]), Options(), Ct));

        Assert.Contains("'call-x'", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _toolCalls);
    }
}
