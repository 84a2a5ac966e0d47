using System.Text.Json.Nodes;
using Upsonic.Storage;

namespace Upsonic.Memory.Tests.Memory;

public sealed class MemoryBlocksTests
{
    [Fact]
    public void Profile_formatting_matches_the_verified_upstream_example()
    {
        var profile = JsonNode.Parse("""{"name":"Bob","empty":"","none":null,"lst":[],"lst2":["a","b"],"d":{"x":1},"dd":{},"zero":0,"f":false}""")!.AsObject();
        Assert.Equal("<UserProfile>\n- name: Bob\n- lst2: a, b\n- d: {\"x\": 1}\n- zero: 0\n- f: False\n</UserProfile>", MemoryBlocks.Profile(profile));
    }

    [Fact]
    public void Nested_maps_use_python_separators_and_keep_non_ascii_text()
    {
        var profile = JsonNode.Parse("""{"key_entities":{"Zoë":"sister","Upsonic":{"tier":2,"tags":["ai","memory"]}},"ok":true,"ratio":1.5,"blank":"   "}""")!.AsObject();
        Assert.Equal(
            "<UserProfile>\n- key_entities: {\"Zoë\": \"sister\", \"Upsonic\": {\"tier\": 2, \"tags\": [\"ai\", \"memory\"]}}\n- ok: True\n- ratio: 1.5\n</UserProfile>",
            MemoryBlocks.Profile(profile));
    }

    [Fact]
    public void Empty_summary_and_metadata_inject_nothing()
    {
        Assert.Equal("", MemoryBlocks.Summary(null));
        Assert.Equal("", MemoryBlocks.Summary(" \n"));
        Assert.Equal("", MemoryBlocks.Metadata(null, []));
        Assert.Equal("", MemoryBlocks.Profile([]));
    }

    [Fact]
    public void Metadata_values_print_like_python_str()
    {
        var metadata = new JsonObject { ["none"] = null, ["yes"] = true, ["n"] = 3, ["map"] = new JsonObject { ["a"] = 1 }, ["s"] = "text" };
        Assert.Equal("<SessionMetadata>\n  none: None\n  yes: True\n  n: 3\n  map: {\"a\": 1}\n  s: text\n</SessionMetadata>", MemoryBlocks.Metadata(null, metadata));
    }
}
