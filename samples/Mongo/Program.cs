// Mongo: the quick start's agent memory in MongoDB (sessions, messages and runs collections with their indexes).
// Configure with MONGODB_URI (default mongodb://localhost:27017); the database is "upsonic_sample".
using Upsonic.Samples;
using Upsonic.Storage.Mongo;

var url = Environment.GetEnvironmentVariable("MONGODB_URI") is { Length: > 0 } configured ? configured : "mongodb://localhost:27017";
await using var storage = new MongoStorage(dbUrl: url, dbName: "upsonic_sample");
await RememberingConversation.RunAsync(storage, args);
