// Json: the quick start's agent memory in plain files (an append-only log per session) under ./upsonic_json_db, which several
// processes on this machine can share. Run it twice to see the second process remember the first.
using Upsonic.Samples;
using Upsonic.Storage;

await using var storage = new JsonStorage(); // the directory upsonic_json_db in the working directory
await RememberingConversation.RunAsync(storage, args);
Console.WriteLine($"Files: {storage.DbPath}");
