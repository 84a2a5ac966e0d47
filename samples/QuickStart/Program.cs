// QuickStart: an Agent with persistent memory (history, session summary, user profile) in a SQLite file.
// Run it twice: the first run introduces the user, the second (a new process) only asks the question and answers from memory.
using Upsonic;
using Upsonic.Samples;
using Upsonic.Storage;
using Upsonic.Storage.Sqlite;

var model = SampleModel.Create();
await using var storage = new SqliteStorage(dbFile: "quickstart.db");
Console.WriteLine($"Database: {Path.GetFullPath("quickstart.db")} (delete it to start over)");
await using var memory = new Memory(storage,
    sessionId: "session_001", userId: "user_001",
    fullSessionMemory: true, summaryMemory: true, userAnalysisMemory: true,
    model: model);
var agent = new Agent(model, memory, name: "Assistant");

var storedBefore = (await memory.GetMessagesAsync()).Count;
Console.WriteLine($"Messages stored before this run: {storedBefore}");

// With arguments, each one is a prompt. Without: the first run has the two prompts of the Python quick start; later runs
// ask only the question, so the answer can only come from what the earlier process stored.
const string Question = "What's my name and expertise?";
string[] prompts = args.Length > 0 ? args : storedBefore == 0 ? ["My name is Alice and I'm a Python developer", Question] : [Question];
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

if (args.Length == 0 && storedBefore == 0)
{
    Console.WriteLine("Run it again: the next run asks only the question and answers from the stored memory.");
}
