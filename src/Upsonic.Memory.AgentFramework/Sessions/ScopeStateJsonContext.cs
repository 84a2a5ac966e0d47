using System.Text.Json.Serialization;

namespace Upsonic.AgentFramework;

/// <summary>Source-generated JSON for <see cref="ScopeState"/>: the state bag needs no reflection to read or write it.</summary>
[JsonSerializable(typeof(ScopeState))]
internal sealed partial class ScopeStateJsonContext : JsonSerializerContext;
