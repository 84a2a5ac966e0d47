// SummaryOnly: save the whole conversation, but give the model only the running summary (no history), which keeps
// every prompt small however long the conversation gets.
using Upsonic;
using Upsonic.Samples;
using Upsonic.Storage;

var model = SampleModel.Create();
var storage = new InMemoryStorage();
await using var memory = new Memory(storage, sessionId: "support-42",
    fullSessionMemory: true, loadFullSessionMemory: false,   // store every message, load none
    summaryMemory: true,                                      // keep and inject the running summary
    model: model);
var agent = new Agent(model, memory);

Console.WriteLine($"User:  My name is Bob and I'm a Rust engineer.");
Console.WriteLine($"Agent: {await agent.DoAsync("My name is Bob and I'm a Rust engineer.")}");
Console.WriteLine($"Summary after turn 1: {(await memory.GetSessionAsync())?.Summary}");

// The second run sees no history: only the <SessionSummary> block in its instructions.
Console.WriteLine($"User:  Who am I?");
Console.WriteLine($"Agent: {await agent.DoAsync("Who am I?")}");
Console.WriteLine($"Stored messages: {(await memory.GetMessagesAsync()).Count}");
