using Upsonic.Storage;

namespace Upsonic.Memory.Tests.Storage;

public sealed class StorageNamesTests
{
    [Theory]
    [InlineData("upsonic_sessions")]
    [InlineData("_t1")]
    [InlineData("A")]
    public void Valid_names_are_accepted(string name) => Assert.Equal(name, StorageNames.Validate(name, "fallback", "p"));

    [Theory]
    [InlineData("1abc")]
    [InlineData("a-b")]
    [InlineData("a b")]
    [InlineData("x\"; DROP TABLE y; --")]
    [InlineData("sessions:index")]
    public void Invalid_names_are_rejected_naming_the_parameter(string name)
    {
        var ex = Assert.Throws<ArgumentException>(() => StorageNames.Validate(name, "fallback", "sessionTable"));
        Assert.Equal("sessionTable", ex.ParamName);
    }

    [Fact]
    public void Names_longer_than_63_characters_are_rejected() =>
        Assert.Throws<ArgumentException>(() => StorageNames.Validate(new string('a', 64), "x", "p"));

    [Fact]
    public void Null_or_empty_falls_back_to_the_default()
    {
        Assert.Equal("upsonic_sessions", StorageNames.Validate(null, StorageNames.DefaultSessionTable, "p"));
        Assert.Equal("upsonic_sessions", StorageNames.Validate("", StorageNames.DefaultSessionTable, "p"));
    }

    [Fact]
    public void The_defaults_are_the_upstream_table_names() =>
        Assert.Equal(("upsonic_sessions", "upsonic_user_memories", "upsonic_knowledge"),
            (StorageNames.DefaultSessionTable, StorageNames.DefaultUserMemoryTable, StorageNames.DefaultKnowledgeTable));
}
