using System.Text.Json.Nodes;
using Upsonic.Storage;
using Upsonic.Testing.Storage;

namespace Upsonic.Memory.Tests.Storage.Backends;

public sealed class ProfileMergeTests
{
    private static JsonObject Known() => new() { ["name"] = "Ann", ["city"] = "Oslo", ["likes"] = new JsonArray("tea") };

    [Fact]
    public void Update_sets_new_traits_over_the_stored_profile()
    {
        var merged = ProfileMerge.Apply(Known(), new JsonObject { ["city"] = "Bergen", ["job"] = "pilot" }, UserMemoryMode.Update);
        TestData.SameJson(new JsonObject { ["name"] = "Ann", ["city"] = "Bergen", ["likes"] = new JsonArray("tea"), ["job"] = "pilot" }, merged);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("\"\"")]
    [InlineData("\"   \"")]
    [InlineData("[]")]
    [InlineData("{}")]
    public void Uninformative_values_never_erase_a_known_trait(string json)
    {
        var traits = new JsonObject { ["name"] = JsonNode.Parse(json) };
        TestData.SameJson(Known(), ProfileMerge.Apply(Known(), traits, UserMemoryMode.Update));
        Assert.False(ProfileMerge.HasInformation(JsonNode.Parse(json)));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("false")]
    [InlineData("\"x\"")]
    [InlineData("[null]")]
    [InlineData("{\"a\":null}")]
    public void Zero_false_and_non_empty_values_carry_information(string json) =>
        Assert.True(ProfileMerge.HasInformation(JsonNode.Parse(json)));

    [Fact]
    public void Replace_keeps_only_the_informative_new_traits()
    {
        var merged = ProfileMerge.Apply(Known(), new JsonObject { ["job"] = "pilot", ["name"] = null }, UserMemoryMode.Replace);
        TestData.SameJson(new JsonObject { ["job"] = "pilot" }, merged);
    }

    [Fact]
    public void Update_of_no_stored_profile_starts_from_an_empty_one()
    {
        var merged = ProfileMerge.Apply(null, new JsonObject { ["job"] = "pilot", ["name"] = "" }, UserMemoryMode.Update);
        TestData.SameJson(new JsonObject { ["job"] = "pilot" }, merged);
    }

    [Fact]
    public void Merging_never_changes_or_shares_its_inputs()
    {
        var current = Known();
        var traits = new JsonObject { ["extra"] = new JsonObject { ["deep"] = 1 } };

        var merged = ProfileMerge.Apply(current, traits, UserMemoryMode.Update);
        merged["extra"]!["deep"] = 2;
        merged["name"] = "changed";

        TestData.SameJson(Known(), current);
        TestData.SameJson(new JsonObject { ["extra"] = new JsonObject { ["deep"] = 1 } }, traits);
    }
}
