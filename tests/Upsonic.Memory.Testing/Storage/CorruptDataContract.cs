using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Upsonic.Storage;
using Xunit;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Storage.Testing;

/// <summary>A corrupt stored message fails only the reads that need it, with a <see cref="StorageException"/> naming it; content of a
/// type this version does not know is data, not corruption.</summary>
/// <typeparam name="TTarget">The backend's target.</typeparam>
public abstract class CorruptDataContract<TTarget> : LifecycleContract<TTarget>
    where TTarget : StorageTarget, new()
{
    private const string Broken = "broken-session";

    [Fact]
    public async Task Reading_a_session_with_a_corrupt_message_throws_a_storage_exception_naming_it()
    {
        var storage = await CorruptedAsync();

        foreach (var read in new Func<Task>[]
        {
            () => storage.GetSessionAsync(Broken, cancellationToken: Ct),
            () => storage.LoadSessionWindowAsync(Broken, null, Ct),
            () => storage.LoadSessionWindowAsync(Broken, 1, Ct),
            () => storage.GetRunAsync(Broken, "r2", Ct),
        })
        {
            var ex = await Assert.ThrowsAsync<StorageException>(read);
            Assert.Contains(Broken, ex.Message, StringComparison.Ordinal);
            Assert.Matches(new Regex(@"\b3\b"), ex.Message);
        }
    }

    [Fact]
    public async Task Reads_that_do_not_need_the_corrupt_message_still_work()
    {
        var storage = await CorruptedAsync();

        Assert.Equal(["q1", "answer to q1"], (await storage.GetRunAsync(Broken, "r1", Ct))!.Messages.Select(m => m.Text));
        Assert.Empty((await storage.LoadSessionWindowAsync(Broken, 0, Ct))!.Turns);
        Assert.Equal(2, (await storage.GetSessionAsync("healthy", cancellationToken: Ct))!.Messages.Count);
        Assert.Single((await storage.LoadSessionWindowAsync("healthy", null, Ct))!.Turns);
    }

    [Fact]
    public async Task A_corrupt_session_can_still_be_deleted()
    {
        var storage = await CorruptedAsync();
        Assert.True(await storage.DeleteSessionAsync(Broken, Ct));
        Assert.Null(await storage.GetSessionAsync(Broken, cancellationToken: Ct));
    }

    private const string FromNewerVersion =
        "{\"role\":\"assistant\",\"contents\":[{\"$type\":\"text\",\"text\":\"seen\"},{\"$type\":\"hologram\",\"frames\":[1,2],\"note\":\"v9\"}]}";

    [Fact]
    public async Task A_stored_content_item_of_an_unknown_type_is_read_as_data_and_the_session_stays_readable()
    {
        var storage = await CreateAsync();
        await AppendTurnsAsync(storage, "s1", 2, ct: Ct);
        await Target.OverwriteMessageAsync(storage, "s1", 2, FromNewerVersion);

        var window = await storage.LoadSessionWindowAsync("s1", null, Ct);
        var session = await storage.GetSessionAsync("s1", cancellationToken: Ct);

        Assert.Equal(2, window!.Turns.Count);
        var message = window.Turns[0].Messages[1];
        Assert.Equal("seen", message.Text);
        AssertHologram(message.Contents[1]);
        AssertHologram(session!.Messages[1].Contents[1]);
        AssertHologram((await storage.GetRunAsync("s1", session.Runs[0].RunId, Ct))!.Messages[1].Contents[1]);
    }

    [Fact]
    public async Task Unknown_content_survives_being_written_back_through_the_record_api()
    {
        var storage = await CreateAsync();
        await AppendTurnsAsync(storage, "s1", 1, ct: Ct);
        await Target.OverwriteMessageAsync(storage, "s1", 2, FromNewerVersion);

        var session = await storage.GetSessionAsync("s1", cancellationToken: Ct);
        session!.Metadata = new System.Text.Json.Nodes.JsonObject { ["k"] = "v" };
        await storage.UpsertSessionAsync(session, Ct);
        await storage.AppendRunAsync(Append("s1", Run("r9", messages: [session.Runs[0].Messages[1]])), Ct);

        var read = await storage.GetSessionAsync("s1", cancellationToken: Ct);
        AssertHologram(read!.Runs[0].Messages[1].Contents[1]);
        AssertHologram((await storage.GetRunAsync("s1", "r9", Ct))!.Messages[0].Contents[1]);
    }

    [Fact]
    public async Task Content_of_a_type_outside_the_json_contract_is_rejected_before_anything_is_written()
    {
        var storage = await CreateAsync();
        var custom = new ChatMessage(ChatRole.Assistant, [new TextContent("ok"), new CustomContent()]);
        var session = Session("s1");
        session.Messages = [custom];

        var append = await Assert.ThrowsAsync<ArgumentException>(() => storage.AppendRunAsync(Append("s1", Run("r1", messages: [User("hi"), custom])), Ct));
        var upsert = await Assert.ThrowsAsync<ArgumentException>(() => storage.UpsertSessionAsync(session, Ct));

        Assert.Equal("append", append.ParamName);
        Assert.Equal("session", upsert.ParamName);
        Assert.Contains(typeof(CustomContent).FullName!, append.Message, StringComparison.Ordinal);
        Assert.Null(await storage.GetSessionAsync("s1", cancellationToken: Ct));
    }

    [Fact]
    public async Task A_profile_with_a_duplicate_key_is_a_storage_exception_naming_the_user()
    {
        var storage = await CreateAsync();
        await storage.UpsertUserMemoryAsync(new UserMemory { UserId = "u-dup" }, Ct);
        await storage.UpsertUserMemoryAsync(new UserMemory { UserId = "u-ok", Profile = new() { ["name"] = "Ann" } }, Ct);
        await Target.OverwriteProfileAsync(storage, "u-dup", "{\"name\":\"Ann\",\"name\":\"Bob\"}");

        var ex = await Assert.ThrowsAsync<StorageException>(() => storage.GetUserMemoryAsync("u-dup", cancellationToken: Ct));

        Assert.True(ex.IsCorruptData);
        Assert.Contains("u-dup", ex.Message, StringComparison.Ordinal);
        Assert.Equal("u-dup", ex.RecordId);
        Assert.NotNull(await storage.GetUserMemoryAsync("u-ok", cancellationToken: Ct));
    }

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(-62_135_596_800_001)]
    public async Task A_stored_timestamp_outside_the_range_of_dates_is_a_storage_exception_naming_the_session(long unixMilliseconds)
    {
        var storage = await CreateAsync();
        await AppendTurnsAsync(storage, "s-time", 1, ct: Ct);
        await Target.OverwriteSessionUpdatedAtAsync(storage, "s-time", unixMilliseconds);

        var ex = await Assert.ThrowsAsync<StorageException>(() => storage.GetSessionAsync("s-time", cancellationToken: Ct));

        Assert.True(ex.IsCorruptData);
        Assert.Contains("s-time", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_that_lost_a_message_row_is_reported_not_returned_short()
    {
        var storage = await CreateAsync();
        await storage.AppendRunAsync(Append("s-count", Run("r1", agentId: "a1", messages: [User("q1"), Assistant("a1"), User("q2"), Assistant("a2")])), Ct);
        await Target.DeleteMessageRowAsync(storage, "s-count", 3);

        foreach (var read in new Func<Task>[]
        {
            () => storage.GetRunAsync("s-count", "r1", Ct), () => storage.FindRunAsync("r1", "a1", Ct), () => storage.GetSessionAsync("s-count", cancellationToken: Ct),
        })
        {
            var ex = await Assert.ThrowsAsync<StorageException>(read);
            Assert.True(ex.IsCorruptData);
            Assert.Contains("s-count", ex.Message, StringComparison.Ordinal);
        }
    }

    private static void AssertHologram(AIContent content)
    {
        Assert.Equal(typeof(AIContent), content.GetType());
        var original = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(content.AdditionalProperties!["upsonic.stored_content"]));
        Assert.Equal("hologram", (string?)original!["$type"]);
        Assert.Equal("v9", (string?)original["note"]);
        Assert.Equal(2, original["frames"]!.AsArray().Count);
    }

    /// <summary>An application's own content type, unknown to the stored JSON contract.</summary>
    private sealed class CustomContent : AIContent
    {
        public string Secret { get; set; } = "app data";
    }

    private async Task<IStorage> CorruptedAsync()
    {
        var storage = await CreateAsync();
        await AppendTurnsAsync(storage, Broken, 2, ct: Ct);
        await AppendTurnsAsync(storage, "healthy", 1, ct: Ct);

        // Messages 1-2 belong to run r1, messages 3-4 to run r2.
        await Target.CorruptMessageAsync(storage, Broken, 3);
        return storage;
    }
}
