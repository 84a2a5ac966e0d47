// QuickStart: an Agent with persistent memory (history, session summary, user profile) in a SQLite file.
// Run it twice: the second process remembers what the first one was told.
using Upsonic;
using Upsonic.Samples;
using Upsonic.Storage;
using Upsonic.Storage.Sqlite;

var model = SampleModel.Create();
await using var storage = new SqliteStorage(dbFile: "quickstart.db");
await using var memory = new Memory(storage,
    sessionId: "session_001", userId: "user_001",
    fullSessionMemory: true, summaryMemory: true, userAnalysisMemory: true,
    model: model);
var agent = new Agent(model, memory, name: "Assistant");

Console.WriteLine($"Messages stored before this run: {(await memory.GetMessagesAsync()).Count}");

// With arguments, each one is a prompt; without, the two prompts of the Python quick start.
string[] prompts = args.Length > 0 ? args : ["My name is Alice and I'm a Python developer", "What's my name and expertise?"];
foreach (var prompt in prompts)
{
    var task = new AgentTask(prompt);
    var answer = await agent.DoAsync(task);
    Console.WriteLine($"User:  {prompt}");
    Console.WriteLine($"Agent: {answer}");
}

var session = await memory.GetSessionAsync();
var profile = await storage.GetUserMemoryAsync("user_001");
Console.WriteLine($"Summary: {session?.Summary}");
Console.WriteLine($"Profile: {profile?.Profile.ToJsonString()}");
Console.WriteLine($"Messages stored now: {session?.Messages.Count}");
