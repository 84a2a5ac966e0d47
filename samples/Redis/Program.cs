// Redis: the quick start's agent memory in Redis, shared by every process and machine that uses the same server.
// Configure with UPSONIC_REDIS_URL (default localhost:6379); run it twice to see the second process remember the first.
using Upsonic.Samples;
using Upsonic.Storage.Redis;

var url = Environment.GetEnvironmentVariable("UPSONIC_REDIS_URL") is { Length: > 0 } configured ? configured : "localhost:6379";
await using var storage = new RedisStorage(dbUrl: url, dbPrefix: "upsonic_sample");
await RememberingConversation.RunAsync(storage, args);
