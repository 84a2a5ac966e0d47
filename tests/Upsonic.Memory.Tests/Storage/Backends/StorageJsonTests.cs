using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Upsonic.Storage;
using static Upsonic.Testing.Storage.TestData;

namespace Upsonic.Memory.Tests.Storage.Backends;

public sealed class StorageJsonTests
{
    [Fact]
    public void Messages_of_every_content_kind_round_trip_through_their_stored_text()
    {
        var messages = RichMessages();
        var read = messages.Select(m => StorageJson.DeserializeMessage(StorageJson.SerializeMessage(m), "s1", 1)).ToList();

        SameMessages(messages, read);
        Assert.IsType<TextReasoningContent>(read[2].Contents[0]);
        var call = Assert.IsType<FunctionCallContent>(read[2].Contents[1]);
        Assert.Equal(("call-1", "get_weather"), (call.CallId, call.Name));
        Assert.Equal(new byte[] { 0, 1, 2, 254, 255 }, Assert.IsType<DataContent>(read[1].Contents[1]).Data.ToArray());
        Assert.Equal("12 °C, cloudy", Assert.IsType<FunctionResultContent>(read[3].Contents[0]).Result?.ToString());
        Assert.Equal(150, Assert.IsType<UsageContent>(read[4].Contents[1]).Details.TotalTokenCount);
        Assert.Equal(("weather-agent", "m-2"), (read[2].AuthorName, read[2].MessageId));
    }

    [Fact]
    public void The_stored_form_is_compact_json()
    {
        var text = StorageJson.SerializeMessage(User("hi"));
        Assert.DoesNotContain("\n", text, StringComparison.Ordinal);
        Assert.Equal("user", JsonNode.Parse(text)!["role"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("null")]
    [InlineData("[1,2]")]
    [InlineData("{\"role\":\"user\",\"contents\":[{\"$type\":\"not-a-known-type\"}]}")]
    public void A_corrupt_message_is_a_storage_exception_naming_the_session_and_sequence(string json)
    {
        var ex = Assert.Throws<StorageException>(() => StorageJson.DeserializeMessage(json, "session-x", 42));
        Assert.Contains("session-x", ex.Message, StringComparison.Ordinal);
        Assert.Contains("42", ex.Message, StringComparison.Ordinal);
        Assert.Equal("session-x", ex.RecordId);
        Assert.NotNull(ex.InnerException);
    }

    [Fact]
    public void Objects_round_trip_and_null_stays_null()
    {
        var text = StorageJson.SerializeObject(RichMap());
        SameJson(RichMap(), StorageJson.DeserializeObject(text, "r1", "metadata"));
        Assert.Null(StorageJson.SerializeObject(null));
        Assert.Null(StorageJson.DeserializeObject(null, "r1", "metadata"));
        Assert.Null(StorageJson.DeserializeObject("null", "r1", "metadata"));
    }

    [Theory]
    [InlineData("[1]")]
    [InlineData("\"text\"")]
    [InlineData("{ broken")]
    public void A_stored_field_that_is_not_an_object_is_a_storage_exception_naming_the_record(string json)
    {
        var ex = Assert.Throws<StorageException>(() => StorageJson.DeserializeObject(json, "record-7", "metadata"));
        Assert.Contains("record-7", ex.Message, StringComparison.Ordinal);
        Assert.Contains("metadata", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Usage_round_trips_and_corrupt_usage_names_the_record()
    {
        var usage = Usage(7, 3);
        usage.AdditionalCounts = new() { ["images"] = 2 };

        var read = StorageJson.DeserializeUsage(StorageJson.SerializeUsage(usage), "r1");

        Assert.Equal((7L, 3L, 10L, 2L), (read!.InputTokenCount!.Value, read.OutputTokenCount!.Value, read.TotalTokenCount!.Value, read.AdditionalCounts!["images"]));
        Assert.Null(StorageJson.DeserializeUsage(null, "r1"));
        Assert.Contains("run-9", Assert.Throws<StorageException>(() => StorageJson.DeserializeUsage("{ nope", "run-9")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cloning_a_message_gives_an_independent_equal_copy()
    {
        var message = RichMessages()[1];
        var clone = StorageJson.Clone(message);

        Assert.NotSame(message, clone);
        Assert.Equal(Json(message), Json(clone));
        clone.Contents.Clear();
        Assert.Equal(2, message.Contents.Count);
    }
}
