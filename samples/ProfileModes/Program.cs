// ProfileModes: userMemoryMode Update merges each analysis into the stored profile; Replace keeps only the latest analysis.
// The same two sessions run in each mode: first the user's name and job, then only a new job.
using System.ComponentModel;
using Upsonic;
using Upsonic.Samples;
using Upsonic.Storage;

var model = SampleModel.Create();
var storage = new InMemoryStorage();
string[] sessions = ["My name is Frank and I'm a Go developer.", "These days I'm a Rust engineer."];

foreach (var mode in new[] { UserMemoryMode.Update, UserMemoryMode.Replace })
{
    var userId = "frank-" + mode.ToString().ToLowerInvariant();
    for (var i = 0; i < sessions.Length; i++)
    {
        await using var memory = new Memory(storage, sessionId: $"{userId}-{i + 1}", userId: userId,
            userAnalysisMemory: true, userProfileSchema: typeof(WorkProfile), userMemoryMode: mode, model: model);
        await new Agent(model, memory).DoAsync(sessions[i]);
        Console.WriteLine($"{mode} after session {i + 1}: {(await storage.GetUserMemoryAsync(userId))?.Profile.ToJsonString()}");
    }
}

/// <summary>What the app keeps about a user's work.</summary>
[Description("A user's name and current job.")]
public sealed class WorkProfile
{
    /// <summary>The user's first name.</summary>
    [Description("The user's first name.")]
    public string? Name { get; set; }

    /// <summary>The user's current job.</summary>
    [Description("The user's current role, for example 'Go developer'.")]
    public string? Role { get; set; }
}
