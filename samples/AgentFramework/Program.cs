// AgentFramework: Upsonic memory inside a Microsoft Agent Framework ChatClientAgent. MemoryChatHistoryProvider keeps the
// conversation in SQLite; MemoryContextProvider adds the session summary and the user profile to the instructions.
// The agent session is saved to agent-session.json after each process: run it twice and the second process continues.
using System.Text.Json;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Upsonic.AgentFramework;
using Upsonic.Samples;
using Upsonic.Storage;
using Upsonic.Storage.Sqlite;
// Both libraries have an AgentSession; here it is the Agent Framework's.
using AgentSession = Microsoft.Agents.AI.AgentSession;

const string SessionFile = "agent-session.json";
var model = SampleModel.Create();
await using var storage = new SqliteStorage(dbFile: "agent-framework.db");
await using var factory = new MemoryFactory(storage, new MemoryOptions
{
    FullSessionMemory = true,
    SummaryMemory = true,
    UserAnalysisMemory = true,
    NumLastMessages = 10,
}, model);

// The user id would come from your sign-in; each new agent session gets its own memory session.
var history = new MemoryChatHistoryProvider(factory, new MemoryChatHistoryProviderOptions
{
    ScopeResolver = _ => new MemoryScope(Guid.NewGuid().ToString(), "alice"),
});
AIAgent agent = model.AsAIAgent(new ChatClientAgentOptions
{
    Name = "Assistant",
    ChatOptions = new ChatOptions { Instructions = "You are a helpful assistant." },
    ChatHistoryProvider = history,
    AIContextProviders = [new MemoryContextProvider(factory)],
});

AgentSession session;
if (File.Exists(SessionFile))
{
    session = await agent.DeserializeSessionAsync(JsonDocument.Parse(await File.ReadAllTextAsync(SessionFile)).RootElement);
    Console.WriteLine($"Continuing the agent session saved in {SessionFile}");
}
else
{
    session = await agent.CreateSessionAsync();
    Console.WriteLine("New agent session");
}

// With arguments, each one is a prompt; without, the two prompts of the quick start.
string[] prompts = args.Length > 0 ? args : ["My name is Alice and I'm a Python developer", "What's my name and expertise?"];
foreach (var prompt in prompts)
{
    var response = await agent.RunAsync(prompt, session);
    Console.WriteLine($"User:  {prompt}");
    Console.WriteLine($"Agent: {response.Text}");
}

await File.WriteAllTextAsync(SessionFile, (await agent.SerializeSessionAsync(session)).GetRawText());
var scope = history.GetScope(session);
await using var memory = factory.ForSession(scope);
var stored = await memory.GetSessionAsync();
Console.WriteLine($"Memory session: {scope.SessionId} (user {scope.UserId})");
Console.WriteLine($"Summary: {stored?.Summary}");
Console.WriteLine($"Runs stored: {stored?.Runs.Count}");
