using System.Text.Json;
using System.Text.Json.Nodes;
using Upsonic.Storage;
using Xunit;

namespace Upsonic.Storage.Testing;

/// <summary>User analysis memory (UPSTREAM 4, test_storage_user_profile_schema.py, test_storage_dynamic_profile.py).</summary>
public abstract class UserProfileAcceptance<TTarget> : SummaryMemoryAcceptance<TTarget>
    where TTarget : StorageTarget, new()
{
    private async Task<JsonObject?> ProfileAsync(string userId) => (await Storage.GetUserMemoryAsync(userId, cancellationToken: Ct))?.Profile;

    [Fact]
    public async Task Default_schema_traits_are_stored_and_injected_next_run()
    {
        MemoryModel.Traits("""{"detected_expertise":"beginner","inferred_interests":["python","tea"],"current_goal":null}""");
        var memory = NewMemory(new() { UserId = "u1", FullSessionMemory = true, UserAnalysisMemory = true });
        await TurnAsync(memory, "I'm new to Python and I love tea.");
        var profile = await ProfileAsync("u1");
        Assert.Equal("beginner", profile!["detected_expertise"]!.GetValue<string>());
        Assert.False(profile.ContainsKey("current_goal"));
        var context = await memory.PrepareAsync(ct: Ct);
        Assert.Equal("<UserProfile>\n- detected_expertise: beginner\n- inferred_interests: python, tea\n</UserProfile>", context.SystemPromptInjection);
    }

    [Fact]
    public async Task The_profile_request_asks_for_the_user_traits_json_schema_with_descriptions()
    {
        MemoryModel.Traits("{}");
        var memory = NewMemory(new() { UserAnalysisMemory = true });
        await TurnAsync(memory, "hello");
        var request = Assert.Single(MemoryModel.Requests);
        Assert.Equal("UserTraits", request.SchemaName);
        var schema = request.Schema!.Value.GetRawText();
        foreach (var field in new[] { "detected_expertise", "detected_tone", "inferred_interests", "current_goal", "session_sentiment", "communication_style", "key_entities", "long_term_objective_summary" })
        {
            Assert.Contains("\"" + field + "\"", schema, StringComparison.Ordinal);
        }

        Assert.Contains("skill level", schema, StringComparison.Ordinal);
        Assert.Contains("Current Profile Data:", request.PromptText, StringComparison.Ordinal);
        Assert.Contains("- hello", request.PromptText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_custom_schema_puts_its_required_members_in_the_schema_and_stores_the_reply()
    {
        MemoryModel.When(r => MemoryScripts.IsProfile(r, "PersonProfile"), """{"name":"Ada","age":36,"occupation":"engineer"}""");
        var memory = NewMemory(new() { UserId = "u1", UserAnalysisMemory = true, UserProfileSchema = typeof(PersonProfile) });
        await TurnAsync(memory, "I'm Ada, 36, an engineer.");
        var schema = JsonNode.Parse(MemoryModel.Requests[0].Schema!.Value.GetRawText())!;
        var required = schema["required"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Contains("name", required);
        Assert.Contains("age", required);
        var profile = await ProfileAsync("u1");
        Assert.Equal("Ada", profile!["name"]!.GetValue<string>());
        Assert.Equal(36, profile["age"]!.GetValue<int>());
        Assert.Equal(3, profile.Count(p => p.Value is not null));
    }

    [Fact]
    public async Task A_reply_that_does_not_fit_the_schema_changes_nothing_and_warns()
    {
        await Storage.UpsertUserMemoryAsync(new UserMemory { UserId = "u1", Profile = new JsonObject { ["name"] = "Ada", ["age"] = 36 } }, Ct);
        MemoryModel.When(r => MemoryScripts.IsProfile(r, "PersonProfile"), """{"age":"not a number"}""");
        var memory = NewMemory(new() { SessionId = "s-bad", UserId = "u1", UserAnalysisMemory = true, UserProfileSchema = typeof(PersonProfile) });
        await TurnAsync(memory, "hi");
        AssertJson("""{"name":"Ada","age":36}""", await ProfileAsync("u1"));
        Assert.Contains(Logs.Warnings, w => w.Message.Contains("s-bad", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_fenced_json_reply_is_accepted()
    {
        MemoryModel.Traits("Here you go:\n```json\n{\"detected_tone\":\"formal\"}\n```");
        var memory = NewMemory(new() { UserId = "u1", UserAnalysisMemory = true });
        await TurnAsync(memory, "Good afternoon.");
        Assert.Equal("formal", (await ProfileAsync("u1"))!["detected_tone"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_mode_merges_and_null_traits_never_erase_known_ones()
    {
        var replies = new Queue<string>([
            """{"detected_expertise":"expert","detected_tone":"casual"}""",
            """{"detected_expertise":null,"detected_tone":"","current_goal":"ship v2"}""",
        ]);
        MemoryModel.When(r => MemoryScripts.IsProfile(r), _ => replies.Dequeue());
        var memory = NewMemory(new() { UserId = "u1", UserAnalysisMemory = true });
        Assert.Equal(UserMemoryMode.Update, memory.UserMemoryMode);
        await TurnAsync(memory, "one");
        await TurnAsync(memory, "two");
        var profile = await ProfileAsync("u1");
        Assert.Equal("expert", profile!["detected_expertise"]!.GetValue<string>());
        Assert.Equal("casual", profile["detected_tone"]!.GetValue<string>());
        Assert.Equal("ship v2", profile["current_goal"]!.GetValue<string>());
    }

    [Fact]
    public async Task Replace_mode_replaces_with_a_useful_analysis()
    {
        await Storage.UpsertUserMemoryAsync(new UserMemory { UserId = "u1", Profile = new JsonObject { ["detected_tone"] = "casual" } }, Ct);
        MemoryModel.Traits("""{"current_goal":"learn Rust"}""");
        var memory = NewMemory(new() { UserId = "u1", FullSessionMemory = true, UserAnalysisMemory = true, UserMemoryMode = UserMemoryMode.Replace });
        Assert.Equal(UserMemoryMode.Replace, memory.UserMemoryMode);
        await TurnAsync(memory, "I want to learn Rust.");
        Assert.Equal("""{"current_goal":"learn Rust"}""", (await ProfileAsync("u1"))!.ToJsonString());
        Assert.NotNull(await memory.GetSessionAsync(Ct));
    }

    [Fact]
    public async Task Replace_mode_keeps_the_profile_when_the_analysis_fails_or_is_empty()
    {
        await Storage.UpsertUserMemoryAsync(new UserMemory { UserId = "u1", Profile = new JsonObject { ["detected_tone"] = "casual" } }, Ct);
        var before = (await Storage.GetUserMemoryAsync("u1", cancellationToken: Ct))!.UpdatedAt;
        MemoryModel.Traits("""{"detected_tone":null,"inferred_interests":[]}""");
        var memory = NewMemory(new() { UserId = "u1", UserAnalysisMemory = true, UserMemoryMode = UserMemoryMode.Replace });
        await TurnAsync(memory, "hmm");
        MemoryModel.ThrowNext(new TimeoutException("model timed out"));
        await TurnAsync(memory, "hmm again");
        var stored = await Storage.GetUserMemoryAsync("u1", cancellationToken: Ct);
        Assert.Equal("""{"detected_tone":"casual"}""", stored!.Profile.ToJsonString());
        Assert.Equal(before, stored.UpdatedAt);
    }

    [Fact]
    public async Task The_analysis_sees_the_current_profile_and_only_this_runs_input()
    {
        var replies = new Queue<string>(["""{"current_goal":"plan a trip"}""", """{"detected_tone":"casual"}"""]);
        MemoryModel.When(r => MemoryScripts.IsProfile(r), _ => replies.Dequeue());
        var memory = NewMemory(new() { UserId = "u1", FullSessionMemory = true, UserAnalysisMemory = true });
        await TurnAsync(memory, "first prompt about a trip");
        await TurnAsync(memory, "second prompt");
        var second = MemoryModel.Requests[1].PromptText;
        Assert.Contains("plan a trip", second, StringComparison.Ordinal);
        Assert.Contains("- second prompt", second, StringComparison.Ordinal);
        Assert.DoesNotContain("first prompt", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_raw_input_the_runs_user_messages_are_analysed()
    {
        MemoryModel.Traits("""{"detected_tone":"casual"}""");
        var memory = NewMemory(new() { UserId = "u1", UserAnalysisMemory = true });
        await memory.SaveRunAsync(new AgentRun { Messages = [MemoryTurns.User("User message 1"), MemoryTurns.Assistant("a"), MemoryTurns.User("User message 2")] }, Ct);
        var prompt = Assert.Single(MemoryModel.Requests).PromptText;
        Assert.Contains("- User message 1\n- User message 2", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("- a", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_without_user_prompts_is_not_analysed_and_does_not_throw()
    {
        var memory = NewMemory(new() { SessionId = "s-quiet", UserId = "u1", UserAnalysisMemory = true });
        await memory.SaveRunAsync(new AgentRun { Messages = [MemoryTurns.Assistant("unprompted")] }, Ct);
        Assert.Equal(0, MemoryModel.CallCount);
        Assert.Null(await ProfileAsync("u1"));
        Assert.Contains("s-quiet", Assert.Single(Logs.Warnings).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Profile_only_memory_writes_the_profile_and_no_session()
    {
        MemoryModel.Traits("""{"detected_tone":"technical"}""");
        var memory = NewMemory(new() { UserId = "u1", UserAnalysisMemory = true });
        await TurnAsync(memory, "Explain B-trees.");
        Assert.NotNull(await ProfileAsync("u1"));
        Assert.Null(await memory.GetSessionAsync(Ct));
    }

    [Fact]
    public async Task Without_a_model_the_profile_is_skipped_with_one_warning()
    {
        var memory = NewMemory(new() { UserId = "u1", UserAnalysisMemory = true }, withModel: false);
        await TurnAsync(memory, "one");
        await TurnAsync(memory, "two");
        Assert.Null(await ProfileAsync("u1"));
        Assert.Contains(memory.SessionId, Assert.Single(Logs.Warnings).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dynamic_profile_proposes_fields_then_fills_them()
    {
        MemoryModel.When(MemoryScripts.IsProposal, """{"fields":[{"name":"favourite_language","description":"The language the user likes."},{"name":"Bad Name","description":"invalid"},{"name":"team_size","description":"How big the team is."}]}""");
        MemoryModel.When(MemoryScripts.IsDynamicFill, """{"favourite_language":"Rust","team_size":5,"extra":"ignored"}""");
        var memory = NewMemory(new() { UserId = "u1", FullSessionMemory = true, UserAnalysisMemory = true, DynamicUserProfile = true });
        await TurnAsync(memory, "I love Rust; my team has 5 people.");
        var proposal = JsonNode.Parse(MemoryModel.Requests[0].Schema!.Value.GetRawText())!;
        Assert.Equal(2, proposal["properties"]!["fields"]!["minItems"]!.GetValue<int>());
        Assert.Equal(5, proposal["properties"]!["fields"]!["maxItems"]!.GetValue<int>());
        var fill = MemoryModel.Requests[1].Schema!.Value.GetRawText();
        Assert.Contains("favourite_language", fill, StringComparison.Ordinal);
        Assert.DoesNotContain("Bad Name", fill, StringComparison.Ordinal);
        AssertJson("""{"favourite_language":"Rust","team_size":"5"}""", await ProfileAsync("u1"));
        Assert.Contains("<UserProfile>", (await memory.PrepareAsync(ct: Ct)).SystemPromptInjection, StringComparison.Ordinal);
        Assert.NotNull(await memory.GetSessionAsync(Ct));
    }

    [Fact]
    public async Task Dynamic_profile_with_no_valid_fields_changes_nothing()
    {
        MemoryModel.When(MemoryScripts.IsProposal, """{"fields":[{"name":"Not Snake","description":"x"}]}""");
        var memory = NewMemory(new() { UserId = "u1", UserAnalysisMemory = true, DynamicUserProfile = true });
        await TurnAsync(memory, "hello");
        Assert.Single(MemoryModel.Requests);
        Assert.Null(await ProfileAsync("u1"));
        Assert.NotEmpty(Logs.Warnings);
    }

    [Fact]
    public async Task Dynamic_profile_in_update_mode_keeps_keys_across_runs()
    {
        var proposals = new Queue<string>([
            """{"fields":[{"name":"city","description":"Where the user lives."},{"name":"pet","description":"The user's pet."}]}""",
            """{"fields":[{"name":"hobby","description":"A hobby."},{"name":"job","description":"The user's job."}]}""",
        ]);
        var fills = new Queue<string>(["""{"city":"Oslo","pet":"cat"}""", """{"hobby":"chess","job":null}"""]);
        MemoryModel.When(MemoryScripts.IsProposal, _ => proposals.Dequeue()).When(MemoryScripts.IsDynamicFill, _ => fills.Dequeue());
        var memory = NewMemory(new() { UserId = "u1", FullSessionMemory = true, UserAnalysisMemory = true, DynamicUserProfile = true });
        await TurnAsync(memory, "I live in Oslo with my cat.");
        var firstUpdate = (await memory.GetSessionAsync(Ct))!.UpdatedAt;
        await TurnAsync(memory, "I play chess.");
        AssertJson("""{"city":"Oslo","pet":"cat","hobby":"chess"}""", await ProfileAsync("u1"));
        Assert.True((await memory.GetSessionAsync(Ct))!.UpdatedAt >= firstUpdate);
    }

    [Fact]
    public void The_effective_schema_is_user_traits_by_default_the_custom_type_when_given_and_none_when_dynamic()
    {
        Assert.Equal(typeof(UserTraits), NewMemory(new()).EffectiveUserProfileSchema);
        Assert.Equal(typeof(PersonProfile), NewMemory(new() { UserProfileSchema = typeof(PersonProfile) }).EffectiveUserProfileSchema);
        var dynamic = NewMemory(new() { UserProfileSchema = typeof(PersonProfile), DynamicUserProfile = true });
        Assert.Null(dynamic.EffectiveUserProfileSchema);
        Assert.Equal(typeof(PersonProfile), dynamic.UserProfileSchema);
        Assert.True(dynamic.DynamicUserProfile);
    }

    [Fact]
    public async Task A_long_profile_and_a_long_input_are_capped_in_the_prompt()
    {
        var big = new JsonObject();
        for (var i = 0; i < 200; i++)
        {
            big["key_" + i] = new string('p', 100);
        }

        await Storage.UpsertUserMemoryAsync(new UserMemory { UserId = "u1", Profile = big }, Ct);
        MemoryModel.Traits("{}");
        var memory = NewMemory(new() { UserId = "u1", UserAnalysisMemory = true, ProfileMaxCharacters = 1_000, ProfileMaxInputCharacters = 1_000 });
        await TurnAsync(memory, new string('x', 50_000));
        Assert.True(MemoryModel.Requests[0].CharacterCount < 3_500, $"the profile request sent {MemoryModel.Requests[0].CharacterCount} characters");
        Assert.Equal(JsonSerializer.Serialize(200), JsonSerializer.Serialize((await ProfileAsync("u1"))!.Count));
    }
}
