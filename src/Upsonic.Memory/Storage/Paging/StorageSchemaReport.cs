namespace Upsonic.Storage;

/// <summary>What <see cref="IStorage.DescribeSchemaAsync"/> found: the stored schema version and whether each table, index or key
/// the storage relies on exists. Read without creating anything.</summary>
/// <param name="SchemaVersion">The schema version stored in the engine, or <see langword="null"/> when none is stored (not created
/// yet, or a backend without a stored schema).</param>
/// <param name="ExpectedSchemaVersion">The schema version this library writes, or <see langword="null"/> for a backend without a
/// stored schema (in-memory).</param>
/// <param name="Objects">The tables, indexes, collections or keys the storage expects, each with whether it exists.</param>
public sealed record StorageSchemaReport(int? SchemaVersion, int? ExpectedSchemaVersion, IReadOnlyList<StorageSchemaObject> Objects)
{
    /// <summary>Whether the stored version is the expected one and every expected object exists.</summary>
    public bool IsComplete => SchemaVersion == ExpectedSchemaVersion && Objects.All(o => o.Exists);
}
