// TokenEfficient: store the whole conversation, but send the model only the running summary and the last 2 turns
// (summaryMemory: true, numLastMessages: 2). Older turns reach the model through the summary alone.
using Upsonic;
using Upsonic.Samples;
using Upsonic.Storage;

var model = SampleModel.Create();
await using var memory = new Memory(new InMemoryStorage(), sessionId: "long-chat",
    fullSessionMemory: true, summaryMemory: true, numLastMessages: 2, model: model);
var agent = new Agent(model, memory);

string[] turns = ["My name is Grace and I'm a C# developer.", "I like hiking.", "I live in Oslo.", "I have a cat."];
foreach (var turn in turns)
{
    Console.WriteLine($"User:  {turn}");
    Console.WriteLine($"Agent: {await agent.DoAsync(turn)}");
}

var next = await memory.PrepareAsync();
Console.WriteLine($"Stored messages: {(await memory.GetMessagesAsync()).Count}; loaded for the next run: {next.MessageHistory.Count} (the last 2 turns)");
Console.WriteLine($"Summary: {(await memory.GetSessionAsync())?.Summary}");

// The name is no longer in the loaded history; the summary carries it.
Console.WriteLine("User:  What's my name?");
Console.WriteLine($"Agent: {await agent.DoAsync("What's my name?")}");
