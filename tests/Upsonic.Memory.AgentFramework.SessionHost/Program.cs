// One agent run in its own process: args are the SQLite file, the serialized agent session file and the user's message.
// Prints what the agent's model was sent, as JSON, so the test can check what memory gave the run.
using System.Text.Json;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Upsonic.AgentFramework;
using Upsonic.Storage;
using Upsonic.Storage.Sqlite;
using Upsonic.Storage.Testing;

var (dbFile, sessionFile, message) = (args[0], args[1], args[2]);
await using var storage = new SqliteStorage(dbFile: dbFile);
var memoryModel = new ScriptedChatClient().Summaries(r => "The user said: " + r.PromptText.Split("User: ")[^1].Split('\n')[0]);
await using var factory = new MemoryFactory(storage, new MemoryOptions { FullSessionMemory = true, SummaryMemory = true }, memoryModel);
var history = new MemoryChatHistoryProvider(factory);
var agentModel = new ScriptedChatClient().When(_ => true, r => "heard: " + r.Messages[^1].Text);
var agent = agentModel.AsAIAgent(new ChatClientAgentOptions
{
    Name = "session-host",
    ChatOptions = new ChatOptions { Instructions = "You are a test agent." },
    ChatHistoryProvider = history,
    AIContextProviders = [new MemoryContextProvider(factory)],
});

var session = File.Exists(sessionFile)
    ? await agent.DeserializeSessionAsync(JsonDocument.Parse(await File.ReadAllTextAsync(sessionFile)).RootElement)
    : await agent.CreateSessionAsync();
await agent.RunAsync(message, session);
await File.WriteAllTextAsync(sessionFile, (await agent.SerializeSessionAsync(session)).GetRawText());

var scope = history.GetScope(session);
await using var memory = factory.ForSession(scope);
var request = agentModel.Requests[^1];
Console.WriteLine(JsonSerializer.Serialize(new
{
    scope = scope.SessionId + "/" + scope.UserId,
    sent = request.Messages.Select(m => m.Role.Value + ": " + m.Text),
    instructions = request.Instructions,
    storedRuns = (await memory.GetSessionAsync())?.Runs.Count ?? 0,
}));
