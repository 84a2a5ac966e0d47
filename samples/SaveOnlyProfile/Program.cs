// SaveOnlyProfile: learn about the user in every session, but keep the profile out of this agent's prompts
// (userAnalysisMemory: true, loadUserAnalysisMemory: false). Another memory with loading on uses what was saved.
using Upsonic;
using Upsonic.Samples;
using Upsonic.Storage;

var model = SampleModel.Create();
var storage = new InMemoryStorage();

await using (var saveOnly = new Memory(storage, sessionId: "intake", userId: "erin",
    userAnalysisMemory: true, loadUserAnalysisMemory: false, model: model))
{
    var intake = new Agent(model, saveOnly);
    Console.WriteLine("User:  My name is Erin and I'm a Java developer.");
    Console.WriteLine($"Agent: {await intake.DoAsync("My name is Erin and I'm a Java developer.")}");

    // The profile is stored, but never injected into this memory's runs (new session, so no history either).
    var next = new Agent(model, new Memory(storage, sessionId: "intake-2", userId: "erin", userAnalysisMemory: true, loadUserAnalysisMemory: false, model: model));
    Console.WriteLine($"Agent (save-only, new session): {await next.DoAsync("What do I do?")}");
}

Console.WriteLine($"Stored profile: {(await storage.GetUserMemoryAsync("erin"))?.Profile.ToJsonString()}");

// A memory that loads profiles (for example a personalised assistant) sees it.
await using var loading = new Memory(storage, sessionId: "assistant", userId: "erin", loadUserAnalysisMemory: true);
var assistant = new Agent(model, loading);
Console.WriteLine($"Agent (profile loaded): {await assistant.DoAsync("What do I do?")}");
