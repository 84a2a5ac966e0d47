using System.Text.Json.Nodes;
using MongoDB.Bson;
using Upsonic.Storage.Mongo;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Mongo.Tests.Mapping;

public sealed class BsonJsonTests
{
    private static JsonObject RoundTrip(JsonObject json) => BsonJson.ToJsonObject(BsonRoundTrip.ThroughBytes(BsonJson.ToDocument(json)));

    [Fact]
    public void Nested_unicode_float_and_null_values_round_trip()
    {
        var map = TestData.RichMap();
        TestData.SameJson(map, RoundTrip(map));
    }

    [Fact]
    public void Keys_with_dots_dollars_and_percent_signs_round_trip_at_every_depth()
    {
        var map = new JsonObject
        {
            ["a.b"] = 1,
            ["$set"] = "not an operator",
            ["100%"] = new JsonObject { ["x.y"] = new JsonArray(new JsonObject { ["$z"] = true }) },
            [""] = "empty key",
        };
        TestData.SameJson(map, RoundTrip(map));
    }

    [Fact]
    public void Extended_JSON_lookalikes_stay_plain_maps()
    {
        var map = new JsonObject { ["when"] = new JsonObject { ["$date"] = "2024-01-01T00:00:00Z" }, ["id"] = new JsonObject { ["$oid"] = "x" } };
        var document = BsonJson.ToDocument(map);
        Assert.Equal(BsonType.Document, document["when"].BsonType);
        TestData.SameJson(map, RoundTrip(map));
    }

    [Theory]
    [InlineData("42", BsonType.Int64)]
    [InlineData("-9223372036854775808", BsonType.Int64)]
    [InlineData("123456789012345678901234567890", BsonType.Decimal128)]
    [InlineData("3.14159", BsonType.Double)]
    [InlineData("1e300", BsonType.Double)]
    [InlineData("-0.5", BsonType.Double)]
    public void Numbers_keep_their_value(string text, BsonType type)
    {
        var node = JsonNode.Parse(text);
        var bson = BsonJson.ToBson(node);
        Assert.Equal(type, bson.BsonType);
        var back = BsonJson.ToJson(BsonRoundTrip.ThroughBytes(new BsonDocument("v", bson))["v"]);
        TestData.SameJson(node, back);
    }

    [Fact]
    public void Strings_with_NUL_and_large_values_round_trip()
    {
        var map = new JsonObject { ["nul"] = "a\0b", ["large"] = TestData.Literal("large"), ["quotes"] = TestData.Literal("quotes") };
        TestData.SameJson(map, RoundTrip(map));
    }

    [Fact]
    public void Stored_numbers_read_back_as_any_numeric_type_that_holds_them()
    {
        var back = RoundTrip(new JsonObject { ["int"] = 7, ["long"] = 5_000_000_000L, ["double"] = 2.5 });
        Assert.Equal(7, back["int"]!.GetValue<int>());
        Assert.Equal(7L, back["int"]!.GetValue<long>());
        Assert.Equal(7.0, back["int"]!.GetValue<double>());
        Assert.Equal(5_000_000_000L, back["long"]!.GetValue<long>());
        Assert.Equal(2.5, back["double"]!.GetValue<double>());
    }

    [Fact]
    public void Values_built_from_dates_and_guids_are_stored_as_their_JSON_strings()
    {
        var when = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);
        var id = Guid.Parse("6f9619ff-8b86-d011-b42d-00cf4fc964ff");
        var map = new JsonObject { ["when"] = when, ["id"] = id, ["count"] = 3m };

        var back = RoundTrip(map);

        Assert.Equal(when, DateTimeOffset.Parse(back["when"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(id.ToString(), back["id"]!.GetValue<string>());
        Assert.Equal(3, back["count"]!.GetValue<int>());
    }

    [Fact]
    public void An_empty_map_reads_back_empty_not_null() => Assert.Empty(RoundTrip([]));
}
