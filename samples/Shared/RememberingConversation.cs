using Upsonic.Storage;

namespace Upsonic.Samples;

/// <summary>
/// The conversation the storage samples (JSON files, Redis, Postgres, Mongo) share: an Agent with history, summary and profile over
/// the given storage. Run a sample twice: the second process remembers what the first was told, because the memory outlives it.
/// </summary>
public static class RememberingConversation
{
    /// <summary>Runs the prompts in <paramref name="args"/> (or the two prompts of the Python quick start) and prints what memory holds.</summary>
    /// <remarks>The session id comes from <c>UPSONIC_SAMPLE_SESSION</c> (default <c>session_001</c>), the user id is <c>user_001</c>.</remarks>
    public static async Task RunAsync(IStorage storage, string[] args)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var sessionId = Environment.GetEnvironmentVariable("UPSONIC_SAMPLE_SESSION") is { Length: > 0 } id ? id : "session_001";
        var model = SampleModel.Create();
        await using var memory = new Memory(storage, sessionId: sessionId, userId: "user_001",
            fullSessionMemory: true, summaryMemory: true, userAnalysisMemory: true, numLastMessages: 10, model: model);
        var agent = new Agent(model, memory, name: "Assistant");

        Console.WriteLine($"Messages stored before this run: {(await memory.GetMessagesAsync()).Count}");
        string[] prompts = args.Length > 0 ? args : ["My name is Alice and I'm a Python developer", "What's my name and expertise?"];
        foreach (var prompt in prompts)
        {
            Console.WriteLine($"User:  {prompt}");
            Console.WriteLine($"Agent: {await agent.DoAsync(prompt)}");
        }

        var session = await memory.GetSessionAsync();
        Console.WriteLine($"Summary: {session?.Summary}");
        Console.WriteLine($"Profile: {(await storage.GetUserMemoryAsync("user_001"))?.Profile.ToJsonString()}");
        Console.WriteLine($"Messages stored now: {session?.Messages.Count}");
    }
}
