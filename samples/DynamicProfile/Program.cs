// DynamicProfile: no schema; the model first proposes which fields to record about this user, then fills them
// (dynamicUserProfile: true, two model calls per analysis). Later analyses are shown the existing field names to reuse.
using Upsonic;
using Upsonic.Samples;
using Upsonic.Storage;

var model = SampleModel.Create();
var storage = new InMemoryStorage();
await using var memory = new Memory(storage, sessionId: "dynamic-1", userId: "hana",
    userAnalysisMemory: true, dynamicUserProfile: true, model: model);
var agent = new Agent(model, memory);

Console.WriteLine("User:  My name is Hana and I'm a Python developer.");
Console.WriteLine($"Agent: {await agent.DoAsync("My name is Hana and I'm a Python developer.")}");
Console.WriteLine($"IsProfileDynamic: {memory.IsProfileDynamic}");

var profile = (await storage.GetUserMemoryAsync("hana"))?.Profile;
Console.WriteLine($"Fields the model chose: {string.Join(", ", profile?.Select(p => p.Key) ?? [])}");
Console.WriteLine($"Profile: {profile?.ToJsonString()}");

// A new session of the same user gets the profile in its instructions.
var later = new Agent(model, new Memory(storage, sessionId: "dynamic-2", userId: "hana", userAnalysisMemory: true, dynamicUserProfile: true, model: model));
Console.WriteLine($"Agent (new session): {await later.DoAsync("Who am I?")}");
