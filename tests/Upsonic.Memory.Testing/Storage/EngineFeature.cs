namespace Upsonic.Storage.Testing;

/// <summary>
/// An engine feature a shared test relies on beyond plain reads and writes, which a wire-compatible stand-in server or a backend
/// over a service with a narrower API may lack (see <see cref="StorageTarget.RequireEngineFeature"/>).
/// </summary>
public enum EngineFeature
{
    /// <summary>An update that returns the record it changed, atomically with the change, under concurrent writers.</summary>
    AtomicConcurrentUpdates,

    /// <summary>Asking the engine which tables (collections) exist.</summary>
    TableListing,

    /// <summary>Reading and writing a store in pages (the paging members of <see cref="IStorage"/>), which the migration tool uses.</summary>
    StorePaging,
}
