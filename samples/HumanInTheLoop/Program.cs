// HumanInTheLoop: a tool that needs a person's approval pauses the run; the checkpoint is stored in SQLite, and a second
// process resumes it.
//   dotnet run -- pause             starts the run, which pauses before the tool runs, and prints its run id
//   dotnet run -- resume [runId]    approves the call (add "reject" to refuse it) and finishes the run in a new process;
//                                   without a run id it continues the session's latest paused run, found in storage
using Microsoft.Extensions.AI;
using Upsonic;
using Upsonic.Samples;
using Upsonic.Storage;
using Upsonic.Storage.Sqlite;

var command = args.FirstOrDefault() ?? "pause";

var model = SampleModel.Create();
await using var storage = new SqliteStorage(dbFile: "hitl.db");
await using var memory = new Memory(storage, sessionId: "hitl-session", fullSessionMemory: true);
var deleteFile = new ApprovalRequiredAIFunction(AIFunctionFactory.Create((string path) =>
{
    Console.WriteLine($"TOOL RAN: delete_file({path})");
    return $"{path} was deleted";
}, "delete_file", "Deletes a file."));
var agent = new Agent(model, memory, tools: [deleteFile], agentId: "file-agent");

switch (command)
{
    case "pause":
    {
        var task = new AgentTask("Please delete the file old-report.txt");
        await agent.DoAsync(task);
        Console.WriteLine($"Status: {task.Status} ({task.PauseReason})");
        foreach (var call in task.PendingToolCalls)
        {
            Console.WriteLine($"Waiting for approval: {call.Name}({string.Join(", ", call.Arguments?.Select(a => $"{a.Key}={a.Value}") ?? [])})");
        }

        Console.WriteLine($"Run id: {task.RunId}; continue with: dotnet run -- resume");
        break;
    }

    case "resume":
    {
        var runId = args.Skip(1).FirstOrDefault(a => a != "reject")
            ?? (await memory.GetSessionAsync())?.Runs.LastOrDefault(r => r.IsResumable)?.RunId;
        if (runId is null)
        {
            Console.WriteLine("No paused run in this session; start one with: dotnet run -- pause");
            return 1;
        }

        var approve = !args.Contains("reject");
        var answer = await agent.ContinueRunAsync(runId, approve);
        Console.WriteLine($"Answer: {answer}");
        var run = await memory.LoadRunAsync(runId);
        Console.WriteLine($"Status: {run?.Status}; stored messages of the run: {string.Join(" -> ", run?.Messages.Select(m => m.Role.Value) ?? [])}");
        break;
    }

    default:
        Console.WriteLine("Usage: dotnet run -- pause | resume [runId] [reject]");
        return 2;
}

return 0;
