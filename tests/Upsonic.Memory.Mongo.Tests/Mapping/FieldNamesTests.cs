using Upsonic.Storage.Mongo;

namespace Upsonic.Memory.Mongo.Tests.Mapping;

public sealed class FieldNamesTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a.b", "a%2Eb")]
    [InlineData("$where", "%24where")]
    [InlineData("a$b", "a$b")]
    [InlineData("100%", "100%25")]
    [InlineData("nul\0byte", "nul%00byte")]
    [InlineData("", "%")]
    [InlineData("%2E", "%252E")]
    [InlineData("测试 🚀", "测试 🚀")]
    public void Keys_that_MongoDB_would_misread_are_escaped_and_read_back_exactly(string key, string fieldName)
    {
        Assert.Equal(fieldName, FieldNames.Escape(key));
        Assert.Equal(key, FieldNames.Unescape(fieldName));
    }

    [Fact]
    public void Escaped_keys_never_contain_a_dot_a_leading_dollar_or_NUL()
    {
        foreach (var key in new[] { ".", "$", "$.$", "..", "\0", "a.b.c", "$a.$b" })
        {
            var escaped = FieldNames.Escape(key);
            Assert.DoesNotContain('.', escaped);
            Assert.DoesNotContain('\0', escaped);
            Assert.False(escaped.StartsWith('$'), escaped);
            Assert.Equal(key, FieldNames.Unescape(escaped));
        }
    }

    [Fact]
    public void A_merge_path_nests_the_escaped_key_under_its_parent() =>
        Assert.Equal("metadata.a%2Eb", FieldNames.Path("metadata", "a.b"));
}
