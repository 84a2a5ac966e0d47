// InMemory: the same memory with InMemoryStorage, the storage for tests and demos (nothing survives the process).
using Upsonic;
using Upsonic.Samples;
using Upsonic.Storage;

var model = SampleModel.Create();
var storage = new InMemoryStorage();
await using var memory = new Memory(storage, sessionId: "demo", userId: "alice",
    fullSessionMemory: true, userAnalysisMemory: true, numLastMessages: 10, model: model);
var agent = new Agent(model, memory, systemPrompt: "You are a helpful assistant.");

foreach (var prompt in new[] { "Hi! My name is Alice and I'm a Python developer.", "Can you recommend a web framework?", "What do you know about me?" })
{
    Console.WriteLine($"User:  {prompt}");
    Console.WriteLine($"Agent: {await agent.DoAsync(prompt)}");
}

var messages = await memory.GetMessagesAsync();
Console.WriteLine($"Stored messages: {messages.Count}");
Console.WriteLine($"Profile: {(await storage.GetUserMemoryAsync("alice"))?.Profile.ToJsonString()}");
