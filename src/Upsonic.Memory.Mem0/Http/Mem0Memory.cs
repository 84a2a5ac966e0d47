using System.Text.Json.Nodes;

namespace Upsonic.Storage.Mem0;

/// <summary>One Mem0 memory as the REST API returns it: Mem0's own id and the metadata this storage wrote.</summary>
internal sealed record Mem0Memory(string Id, JsonObject Metadata)
{
    /// <summary>This storage's record id (<c>{kind}__{table}__{id}</c>), from the metadata.</summary>
    public string? UpsonicId => Mem0Envelope.Text(Metadata[Mem0Envelope.UpsonicIdKey]);
}
