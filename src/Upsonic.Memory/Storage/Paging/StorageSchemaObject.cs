namespace Upsonic.Storage;

/// <summary>One table, index, collection or key a storage relies on (see <see cref="StorageSchemaReport"/>).</summary>
/// <param name="Kind">What it is in the engine's words: <c>table</c>, <c>index</c>, <c>collection</c>, <c>key</c> or <c>directory</c>.</param>
/// <param name="Name">Its name in the engine.</param>
/// <param name="Exists">Whether it exists.</param>
public sealed record StorageSchemaObject(string Kind, string Name, bool Exists);
