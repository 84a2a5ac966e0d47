using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Upsonic.Memory.Tool.Output;

/// <summary>The <c>--json</c> output of the read commands: one indented JSON document on stdout.</summary>
internal static class JsonOutput
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes the node to stdout.</summary>
    public static void Write(JsonNode node) => ToolConsole.Line(node.ToJsonString(Indented));
}
