// Middleware: memory for an app that already has its own IChatClient pipeline: chatClient.AsBuilder().UseMemory(memory).Build().
// Each call sends only the new turn; the middleware adds the history and saves the turn (streaming too).
using Microsoft.Extensions.AI;
using Upsonic;
using Upsonic.Samples;
using Upsonic.Storage;

var storage = new InMemoryStorage();
await using var memory = new Memory(storage, sessionId: "chat-1", fullSessionMemory: true);
IChatClient chat = SampleModel.Create()
    .AsBuilder()
    .UseMemory(memory, m => m.AgentName = "middleware-sample")
    .Build();

var first = await chat.GetResponseAsync("My name is Dana and I'm a Go developer.");
Console.WriteLine($"Assistant: {first.Text}");

Console.Write("Assistant (streaming): ");
await foreach (var update in chat.GetStreamingResponseAsync("What's my name and expertise?"))
{
    Console.Write(update.Text);
}

Console.WriteLine();
var session = await memory.GetSessionAsync();
Console.WriteLine($"Stored turns: {session?.Runs.Count}, messages: {session?.Messages.Count}");
