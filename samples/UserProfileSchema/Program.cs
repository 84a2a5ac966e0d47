// UserProfileSchema: a custom profile type instead of the default UserTraits; the model fills its fields as structured output.
using System.ComponentModel;
using Upsonic;
using Upsonic.Samples;
using Upsonic.Storage;

var model = SampleModel.Create();
var storage = new InMemoryStorage();
await using var memory = new Memory(storage, userId: "dev-7",
    userAnalysisMemory: true, userProfileSchema: typeof(DeveloperProfile), model: model);
var agent = new Agent(model, memory);

Console.WriteLine($"Agent: {await agent.DoAsync("Hello, my name is Carol and I'm a Kotlin developer working on Android apps.")}");

var profile = await storage.GetUserMemoryAsync("dev-7");
Console.WriteLine($"Profile: {profile?.Profile.ToJsonString()}");

// A second session of the same user starts with the profile in its instructions.
await using var nextSession = new Memory(storage, userId: "dev-7", userAnalysisMemory: true, userProfileSchema: typeof(DeveloperProfile), model: model);
Console.WriteLine($"Agent (new session): {await new Agent(model, nextSession).DoAsync("What do you know about me?")}");

/// <summary>The profile this app keeps about a developer.</summary>
[Description("What we know about a developer who uses the assistant.")]
public sealed class DeveloperProfile
{
    /// <summary>The developer's name.</summary>
    [Description("The developer's first name.")]
    public string? Name { get; set; }

    /// <summary>The main programming language.</summary>
    [Description("The programming language the developer mainly uses.")]
    public string? PrimaryLanguage { get; set; }

    /// <summary>The platform worked on.</summary>
    [Description("The platform or product area the developer works on, e.g. 'Android', 'web backend'.")]
    public string? Platform { get; set; }
}
