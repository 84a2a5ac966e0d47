using Upsonic.Storage;
using Xunit;

namespace Upsonic.Storage.Testing;

/// <summary>Settings: defaults, id generation, load flags defaulting to save flags (test_memory.py, test_memory_save_load_flags.py).</summary>
public abstract class MemorySettingsAcceptance<TTarget> : MemoryConvenienceAcceptance<TTarget>
    where TTarget : StorageTarget, new()
{
    [Fact]
    public void Defaults_match_the_python_sdk()
    {
        var memory = new Memory(Storage);
        Assert.False(memory.FullSessionMemoryEnabled);
        Assert.False(memory.SummaryMemoryEnabled);
        Assert.False(memory.UserAnalysisMemoryEnabled);
        Assert.False(memory.LoadFullSessionMemoryEnabled);
        Assert.False(memory.LoadSummaryMemoryEnabled);
        Assert.False(memory.LoadUserAnalysisMemoryEnabled);
        Assert.Null(memory.NumLastMessages);
        Assert.Null(memory.Model);
        Assert.False(memory.Debug);
        Assert.Equal(1, memory.DebugLevel);
        Assert.False(memory.FeedToolCallResults);
        Assert.Null(memory.UserProfileSchema);
        Assert.False(memory.DynamicUserProfile);
        Assert.False(memory.IsProfileDynamic);
        Assert.Equal(UserMemoryMode.Update, memory.UserMemoryMode);
        Assert.False(memory.BackgroundProcessing);
    }

    [Fact]
    public void Missing_ids_become_distinct_guid_strings()
    {
        var first = new Memory(Storage);
        var second = new Memory(Storage, sessionId: "", userId: "");
        Assert.True(Guid.TryParse(first.SessionId, out _));
        Assert.True(Guid.TryParse(first.UserId, out _));
        Assert.True(Guid.TryParse(second.SessionId, out _));
        Assert.NotEqual(first.SessionId, second.SessionId);
        Assert.NotEqual(first.UserId, second.UserId);
        Assert.NotEqual(first.SessionId, first.UserId);
    }

    [Fact]
    public void Explicit_ids_and_flags_are_kept()
    {
        var memory = new Memory(Storage, sessionId: "s1", userId: "u1", fullSessionMemory: true, userAnalysisMemory: true);
        Assert.Equal("s1", memory.SessionId);
        Assert.Equal("u1", memory.UserId);
        Assert.True(memory.FullSessionMemoryEnabled);
        Assert.True(memory.UserAnalysisMemoryEnabled);
    }

    [Fact]
    public void Load_flags_default_to_the_save_flags()
    {
        var all = new Memory(Storage, fullSessionMemory: true, summaryMemory: true, userAnalysisMemory: true);
        Assert.True(all.LoadFullSessionMemoryEnabled && all.LoadSummaryMemoryEnabled && all.LoadUserAnalysisMemoryEnabled);
        var mixed = new Memory(Storage, fullSessionMemory: true, summaryMemory: false);
        Assert.True(mixed.LoadFullSessionMemoryEnabled);
        Assert.False(mixed.LoadSummaryMemoryEnabled);
    }

    [Fact]
    public void Explicit_load_flags_win_over_the_save_flags()
    {
        var saveOnly = new Memory(Storage, fullSessionMemory: true, summaryMemory: true, userAnalysisMemory: true,
            loadFullSessionMemory: false, loadSummaryMemory: false, loadUserAnalysisMemory: false);
        Assert.True(saveOnly.FullSessionMemoryEnabled && saveOnly.SummaryMemoryEnabled && saveOnly.UserAnalysisMemoryEnabled);
        Assert.False(saveOnly.LoadFullSessionMemoryEnabled || saveOnly.LoadSummaryMemoryEnabled || saveOnly.LoadUserAnalysisMemoryEnabled);
        var loadOnly = new Memory(Storage, loadFullSessionMemory: true, loadUserAnalysisMemory: true);
        Assert.False(loadOnly.FullSessionMemoryEnabled || loadOnly.UserAnalysisMemoryEnabled);
        Assert.True(loadOnly.LoadFullSessionMemoryEnabled && loadOnly.LoadUserAnalysisMemoryEnabled);
    }

    [Fact]
    public void Every_option_round_trips()
    {
        var model = new ScriptedChatClient();
        var memory = new Memory(Storage, sessionId: "s", userId: "u", fullSessionMemory: true, summaryMemory: true, userAnalysisMemory: true,
            userProfileSchema: typeof(PersonProfile), dynamicUserProfile: false, numLastMessages: 10, model: model, debug: true, debugLevel: 3,
            feedToolCallResults: true, userMemoryMode: UserMemoryMode.Replace);
        Assert.Equal(("s", "u"), (memory.SessionId, memory.UserId));
        Assert.True(memory.FullSessionMemoryEnabled && memory.SummaryMemoryEnabled && memory.UserAnalysisMemoryEnabled);
        Assert.Equal(typeof(PersonProfile), memory.UserProfileSchema);
        Assert.False(memory.DynamicUserProfile);
        Assert.Equal(10, memory.NumLastMessages);
        Assert.Same(model, memory.Model);
        Assert.True(memory.Debug);
        Assert.Equal(3, memory.DebugLevel);
        Assert.True(memory.FeedToolCallResults);
        Assert.Equal(UserMemoryMode.Replace, memory.UserMemoryMode);
    }

    [Fact]
    public void Debug_level_is_forced_to_one_without_debug()
    {
        Assert.Equal(1, new Memory(Storage, debug: false, debugLevel: 3).DebugLevel);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    public void An_out_of_range_debug_level_is_ignored_without_debug_and_rejected_with_it(int level)
    {
        Assert.Equal(1, new Memory(Storage, debug: false, debugLevel: level).DebugLevel);
        Assert.Equal(1, new Memory(Storage, new MemoryOptions { DebugLevel = level }).DebugLevel);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Memory(Storage, debug: true, debugLevel: level));
    }

    [Fact]
    public void IsProfileDynamic_is_the_legacy_name_of_DynamicUserProfile()
    {
        Assert.True(new Memory(Storage, dynamicUserProfile: true, userProfileSchema: typeof(PersonProfile)).IsProfileDynamic);
        Assert.False(new Memory(Storage).IsProfileDynamic);
    }

    [Fact]
    public void Invalid_settings_fail_at_construction()
    {
        Assert.Throws<ArgumentNullException>(() => new Memory(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Memory(Storage, debug: true, debugLevel: 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Memory(Storage, new MemoryOptions { SummaryMaxRuns = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Memory(Storage, new MemoryOptions { ProfileMaxInputCharacters = -1 }));
    }

    [Theory]
    [InlineData("   ", null, "sessionId")]
    [InlineData("\t", null, "sessionId")]
    [InlineData(null, " ", "userId")]
    [InlineData("lone-high", null, "sessionId")]
    [InlineData(null, "lone-low", "userId")]
    public void Blank_or_ill_formed_ids_fail_at_construction_naming_the_parameter(string? sessionId, string? userId, string param)
    {
        sessionId = sessionId is "lone-high" or "lone-low" ? TestData.IllFormed(sessionId) : sessionId;
        userId = userId is "lone-high" or "lone-low" ? TestData.IllFormed(userId) : userId;

        var ex = Assert.ThrowsAny<ArgumentException>(() => new Memory(Storage, sessionId: sessionId, userId: userId));
        Assert.Equal(param, ex.ParamName);
        var fromOptions = Assert.ThrowsAny<ArgumentException>(() => new Memory(Storage, new MemoryOptions { SessionId = sessionId, UserId = userId }));
        Assert.Equal("options", fromOptions.ParamName);
    }

    [Fact]
    public void Settings_out_of_range_are_reported_under_their_own_parameter_names()
    {
        Assert.Equal("debugLevel", Assert.ThrowsAny<ArgumentException>(() => new Memory(Storage, debug: true, debugLevel: 0)).ParamName);
        Assert.Equal("userMemoryMode", Assert.ThrowsAny<ArgumentException>(() => new Memory(Storage, userMemoryMode: (UserMemoryMode)7)).ParamName);
        Assert.Equal("options", Assert.ThrowsAny<ArgumentException>(() => new Memory(Storage, new MemoryOptions { Debug = true, DebugLevel = 9 })).ParamName);
    }
}
