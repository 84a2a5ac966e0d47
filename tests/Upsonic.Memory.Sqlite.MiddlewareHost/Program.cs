// One call through the UseMemory middleware over a SQLite file, in its own process. Args: pause|resume, the SQLite file, the
// session id, the file the approval request is handed over in, and for resume: the run id and approve|reject.
// pause asks the model to delete a file (the tool needs approval) and writes the approval request the response carries;
// resume answers that request, naming the paused run by MemoryChatClient.RunIdKey. Each prints what happened as JSON.
using System.Text.Json;
using Microsoft.Extensions.AI;
using Upsonic;
using Upsonic.Storage;
using Upsonic.Storage.Sqlite;
using Upsonic.Storage.Testing;

var (mode, dbFile, sessionId, requestFile) = (args[0], args[1], args[2], args[3]);
var toolCalls = 0;
var model = new ScriptedChatClient { UsagePerReply = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5, TotalTokenCount = 15 } }
    .When(r => r.Messages.Any(m => m.Contents.OfType<FunctionResultContent>().Any()),
        r => "Done: " + r.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Last().Result)
    .When(_ => true, _ => new ChatResponse(new ChatMessage(ChatRole.Assistant,
        [new FunctionCallContent("call-1", "delete_file", new Dictionary<string, object?> { ["path"] = "a.txt" })])));
var options = new ChatOptions
{
    Tools = [new ApprovalRequiredAIFunction(AIFunctionFactory.Create((string path) => { toolCalls++; return $"deleted {path}"; }, "delete_file"))],
};

await using var storage = new SqliteStorage(dbFile: dbFile);
await using var memory = new Memory(storage, sessionId: sessionId, fullSessionMemory: true);
using var pipeline = model.AsBuilder().UseMemory(memory).UseFunctionInvocation().Build();

if (mode == "pause")
{
    var response = await pipeline.GetResponseAsync("Delete a.txt", options);
    var request = response.Messages.SelectMany(m => m.Contents).OfType<ToolApprovalRequestContent>().Single();
    var call = (FunctionCallContent)request.ToolCall;
    // What a client would hand back: the request and the call it asks about.
    await File.WriteAllTextAsync(requestFile, JsonSerializer.Serialize(new HandedOver(request.RequestId, call.CallId, call.Name, call.Arguments?.ToDictionary(a => a.Key, a => a.Value?.ToString()))));
    Print(new { runId = response.AdditionalProperties?[MemoryChatClient.RunIdKey], text = response.Text, toolCalls });
}
else
{
    var (runId, approved) = (args[4], args[5] == "approve");
    var handed = JsonSerializer.Deserialize<HandedOver>(await File.ReadAllTextAsync(requestFile))!;
    var request = new ToolApprovalRequestContent(handed.RequestId,
        new FunctionCallContent(handed.CallId, handed.Name, handed.Arguments?.ToDictionary(a => a.Key, a => (object?)a.Value)));
    options.AdditionalProperties = new() { [MemoryChatClient.RunIdKey] = runId };
    var answer = await pipeline.GetResponseAsync(new ChatMessage(ChatRole.User, [request.CreateResponse(approved, approved ? null : "not allowed")]), options);
    Print(new { text = answer.Text, toolCalls, firstSent = model.Requests.Select(r => r.Messages[0].Text).FirstOrDefault(), modelCalls = model.CallCount });
}

static void Print(object value) => Console.WriteLine(JsonSerializer.Serialize(value));

/// <summary>The approval request as the first process hands it over.</summary>
internal sealed record HandedOver(string RequestId, string CallId, string Name, Dictionary<string, string?>? Arguments);
