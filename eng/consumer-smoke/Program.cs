// The consumer smoke test: a console app outside the solution that references the Upsonic.Memory packages by version from a
// local feed (eng/consumer-smoke/run.sh generates its project file), as a user would after `dotnet add package`. It remembers a
// name across two turns on SQLite, once through Agent and once through the UseMemory middleware, each turn over its own
// storage instance on one file (as two processes would), and creates every other backend and a model string without I/O so
// each package's assembly and dependencies load. Exits non-zero on the first thing that does not work.
using Microsoft.Extensions.AI;
using Upsonic;
using Upsonic.Models;
using Upsonic.Storage;
using Upsonic.Storage.Mongo;
using Upsonic.Storage.Postgres;
using Upsonic.Storage.Redis;
using Upsonic.Storage.Sqlite;

var directory = args.Length > 0 ? args[0] : Directory.CreateTempSubdirectory("upsonic-consumer-smoke-").FullName;
var dbFile = Path.Combine(directory, "consumer-smoke.db");
IChatClient model = new RecallModel();

await using (var storage = new SqliteStorage(dbFile: dbFile))
await using (var memory = new Memory(storage, sessionId: "agent-session", userId: "user-1", fullSessionMemory: true))
{
    await new Agent(model, memory).DoAsync(new AgentTask("My name is Alice."));
}

await using (var storage = new SqliteStorage(dbFile: dbFile))
await using (var memory = new Memory(storage, sessionId: "agent-session", userId: "user-1", fullSessionMemory: true))
{
    Expect("Agent", await new Agent(model, memory).DoAsync(new AgentTask("What's my name?")), "Alice");
}

await using (var storage = new SqliteStorage(dbFile: dbFile))
await using (var memory = new Memory(storage, sessionId: "middleware-session", fullSessionMemory: true))
{
    await model.AsBuilder().UseMemory(memory).Build().GetResponseAsync("My name is Bob.");
}

await using (var storage = new SqliteStorage(dbFile: dbFile))
await using (var memory = new Memory(storage, sessionId: "middleware-session", fullSessionMemory: true))
{
    var reply = await model.AsBuilder().UseMemory(memory).Build().GetResponseAsync("What's my name?");
    Expect("Middleware", reply.Text, "Bob");
}

// The other packages: constructing these does no I/O, but loads each assembly and its driver.
await using (var postgres = new PostgresStorage(dbUrl: "Host=127.0.0.1;Username=smoke;Database=smoke"))
await using (var redis = new RedisStorage(dbUrl: "redis://127.0.0.1:1"))
await using (var mongo = new MongoStorage(dbUrl: "mongodb://127.0.0.1:1"))
{
    Console.WriteLine($"Backends created: {postgres.GetType().Name}, {redis.GetType().Name}, {mongo.GetType().Name}");
}

using (var remote = ModelFactory.Create("ollama/llama3.2"))
{
    Console.WriteLine($"Model string resolved: {remote.GetService<ChatClientMetadata>()?.ProviderName ?? remote.GetType().Name}");
}

Console.WriteLine("Consumer smoke test passed.");
return 0;

static void Expect(string what, string? reply, string expected)
{
    if (reply is null || !reply.Contains(expected, StringComparison.Ordinal))
    {
        Console.Error.WriteLine($"{what}: expected the second turn to recall '{expected}', got '{reply}'.");
        Environment.Exit(1);
    }

    Console.WriteLine($"{what}: recalled '{expected}' on the second turn.");
}
