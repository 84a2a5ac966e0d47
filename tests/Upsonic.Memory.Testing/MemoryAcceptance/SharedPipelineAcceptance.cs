using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Upsonic.Storage;
using Xunit;

namespace Upsonic.Storage.Testing;

/// <summary>
/// One memory pipeline (<c>UseMemory(factory)</c>) shared by many users at once: every model request carries its own session's
/// history, summary and profile and nobody else's, and background memory work never holds a response back.
/// </summary>
public abstract partial class SharedPipelineAcceptance<TTarget> : MemoryFactoryAcceptance<TTarget>
    where TTarget : StorageTarget, new()
{
    private const int Users = 16;

    private static string Name(int user) => $"Name{user:D2}";

    private static string Tag(int user) => $"[u{user:D2}]";

    private static ChatOptions For(int user) => new()
    {
        AdditionalProperties = new()
        {
            [MemoryChatClient.SessionIdKey] = $"session-{user:D2}",
            [MemoryChatClient.UserIdKey] = $"user-{user:D2}",
        },
    };

    private MemoryFactory NewFactory() => new(Storage, new MemoryOptions
    {
        FullSessionMemory = true,
        SummaryMemory = true,
        UserAnalysisMemory = true,
        BackgroundProcessing = true,
    }, MemoryModel, Logs);

    private void ScriptAgent()
    {
        // The agent answers from what it was sent: the name in the history, or "nobody" when the history has none.
        AgentModel.When(r => r.PromptText.Contains("What is my name?", StringComparison.Ordinal), r =>
        {
            var names = NameInText().Matches(string.Join("\n", r.Messages.SkipLast(1).Select(m => m.Text)));
            return names.Count == 0 ? "nobody" : "Your name is " + names[^1].Value;
        });
    }

    private void ScriptMemory()
    {
        MemoryModel.Summaries(r => "The user is " + string.Join(",", NameInText().Matches(r.PromptText).Select(m => m.Value).Distinct()));
        MemoryModel.When(r => MemoryScripts.IsProfile(r),
            r => "{\"current_goal\":\"know " + string.Join(",", NameInText().Matches(r.PromptText).Select(m => m.Value).Distinct()) + "\"}");
    }

    private static Task ForEachUserAsync(Func<int, Task> turn) => Task.WhenAll(Enumerable.Range(0, Users).Select(u => Task.Run(() => turn(u))));

    [Fact]
    public async Task Sixteen_concurrent_users_of_one_pipeline_each_get_only_their_own_memory()
    {
        ScriptAgent();
        ScriptMemory();
        await using var factory = NewFactory();
        var pipeline = AgentModel.AsBuilder().UseMemory(factory).Build();

        await ForEachUserAsync(u => pipeline.GetResponseAsync($"{Tag(u)} My name is {Name(u)}.", For(u), Ct));
        await factory.FlushAsync(Ct);
        var answers = new string[Users];
        await ForEachUserAsync(async u => answers[u] = (await pipeline.GetResponseAsync($"{Tag(u)} What is my name?", For(u), Ct)).Text);
        await factory.FlushAsync(Ct);
        var streamed = new string[Users];
        await ForEachUserAsync(async u =>
            streamed[u] = (await pipeline.GetStreamingResponseAsync($"{Tag(u)} What is my name?", For(u), Ct).ToChatResponseAsync(Ct)).Text);

        for (var u = 0; u < Users; u++)
        {
            Assert.Equal("Your name is " + Name(u), answers[u]);
            Assert.Equal("Your name is " + Name(u), streamed[u]);
        }

        AssertEveryRequestHoldsOnlyItsOwnUser(AgentModel.Requests, Users * 3);
        // The last round was sent each user's own summary and profile.
        foreach (var request in AgentModel.Requests.Where(r => r.Streaming))
        {
            var user = UserOf(request);
            Assert.Contains("The user is " + Name(user), request.Instructions, StringComparison.Ordinal);
            Assert.Contains("know " + Name(user), request.Instructions, StringComparison.Ordinal);
        }

        // Memory's own model requests are per session too.
        foreach (var request in MemoryModel.Requests)
        {
            Assert.Single(NameInText().Matches(request.PromptText + request.Instructions).Select(m => m.Value).Distinct());
        }
    }

    [Fact]
    public async Task Background_memory_work_does_not_hold_back_any_response()
    {
        ScriptAgent();
        using var gate = new ManualResetEventSlim(false);
        MemoryModel.Summaries(_ =>
        {
            gate.Wait(TestContext.Current.CancellationToken);
            return "summary";
        });
        MemoryModel.When(r => MemoryScripts.IsProfile(r), _ =>
        {
            gate.Wait(TestContext.Current.CancellationToken);
            return "{}";
        });
        await using var factory = NewFactory();
        var pipeline = AgentModel.AsBuilder().UseMemory(factory).Build();
        try
        {
            // Every response arrives while no summary or profile can finish.
            await ForEachUserAsync(u => pipeline.GetResponseAsync($"{Tag(u)} My name is {Name(u)}.", For(u), Ct));
            await ForEachUserAsync(u => pipeline.GetStreamingResponseAsync($"{Tag(u)} What is my name?", For(u), Ct).ToChatResponseAsync(Ct));
            Assert.Equal(Users * 2, AgentModel.CallCount);
            for (var u = 0; u < Users; u++)
            {
                var session = await Storage.GetSessionAsync($"session-{u:D2}", cancellationToken: Ct);
                Assert.Equal(2, session!.Runs.Count);
                Assert.Null(session.Summary);
            }
        }
        finally
        {
            // Released whatever happened above: the factory waits for its background work when it is disposed, and that work
            // waits for the gate, so a failed assertion must not leave it closed (the test would hang instead of failing).
            gate.Set();
        }

        await factory.FlushAsync(Ct);
        for (var u = 0; u < Users; u++)
        {
            var session = await Storage.GetSessionAsync($"session-{u:D2}", cancellationToken: Ct);
            Assert.Equal("summary", session!.Summary);
            Assert.Equal(2, session.SummaryWatermark);
        }
    }

    [Fact]
    public async Task Shutting_the_factory_down_drains_pending_summaries_of_every_session()
    {
        ScriptAgent();
        ScriptMemory();
        var factory = NewFactory();
        var pipeline = AgentModel.AsBuilder().UseMemory(factory).Build();
        await ForEachUserAsync(u => pipeline.GetResponseAsync($"{Tag(u)} My name is {Name(u)}.", For(u), Ct));

        await factory.DisposeAsync();

        for (var u = 0; u < Users; u++)
        {
            var session = await Storage.GetSessionAsync($"session-{u:D2}", cancellationToken: Ct);
            Assert.Equal("The user is " + Name(u), session!.Summary);
            var profile = await Storage.GetUserMemoryAsync($"user-{u:D2}", cancellationToken: Ct);
            Assert.Equal("know " + Name(u), profile!.Profile["current_goal"]!.GetValue<string>());
        }
    }

    /// <summary>Each request's new turn is tagged with its user; nothing else in it (history, instructions) names another user.</summary>
    private static void AssertEveryRequestHoldsOnlyItsOwnUser(IReadOnlyList<ScriptedRequest> requests, int expected)
    {
        Assert.Equal(expected, requests.Count);
        foreach (var request in requests)
        {
            var user = UserOf(request);
            var everything = request.PromptText + "\n" + request.Instructions;
            Assert.All(NameInText().Matches(everything), m => Assert.Equal(Name(user), m.Value));
            Assert.All(TagInText().Matches(everything), m => Assert.Equal(Tag(user), m.Value));
            Assert.DoesNotContain(MemoryChatClient.SessionIdKey, request.Options?.AdditionalProperties?.Keys ?? []);
            Assert.DoesNotContain(MemoryChatClient.UserIdKey, request.Options?.AdditionalProperties?.Keys ?? []);
        }
    }

    private static int UserOf(ScriptedRequest request) =>
        int.Parse(TagInText().Match(request.Messages[^1].Text).Value[2..4], System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Name\d\d")]
    private static partial Regex NameInText();

    [GeneratedRegex(@"\[u\d\d\]")]
    private static partial Regex TagInText();
}
