using System.Text.Json.Nodes;
using Upsonic.Storage.Postgres;

namespace Upsonic.Memory.Postgres.Tests;

/// <summary>The reversible NUL encoding used for text and jsonb values. No server needed.</summary>
public sealed class PostgresTextTests
{
    [Theory]
    [InlineData("plain text")]
    [InlineData("a\0b")]
    [InlineData("\0")]
    [InlineData("\uE000")]
    [InlineData("\uE0000")]
    [InlineData("\uE000\0\uE000\uE000x0")]
    [InlineData("")]
    public void Encoding_round_trips_and_never_leaves_a_nul(string value)
    {
        var encoded = PostgresText.Encode(value)!;
        Assert.DoesNotContain('\0', encoded);
        Assert.Equal(value, PostgresText.Decode(encoded));
    }

    [Fact]
    public void Strings_without_nul_or_the_escape_character_are_stored_unchanged()
    {
        const string value = "héllo wörld 👋";
        Assert.Same(value, PostgresText.Encode(value));
    }

    [Fact]
    public void Json_keys_and_values_with_nul_round_trip_through_the_jsonb_form()
    {
        var original = new JsonObject { ["k\0ey"] = "v\0al", ["list"] = new JsonArray("x\0", 1, true), ["n"] = 3.5 };
        var encoded = PostgresText.EncodeObject(original)!;

        Assert.DoesNotContain("\\u0000", encoded, StringComparison.Ordinal);
        var decoded = JsonNode.Parse(PostgresText.DecodeJson(encoded)!);
        Assert.True(JsonNode.DeepEquals(original, decoded));
    }
}
