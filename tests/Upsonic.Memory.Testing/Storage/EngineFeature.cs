namespace Upsonic.Storage.Testing;

/// <summary>
/// An engine feature a shared test relies on beyond plain reads and writes, which a wire-compatible stand-in server may lack (see
/// <see cref="StorageTarget.RequireEngineFeature"/>).
/// </summary>
public enum EngineFeature
{
    /// <summary>An update that returns the record it changed, atomically with the change, under concurrent writers.</summary>
    AtomicConcurrentUpdates,

    /// <summary>Asking the engine which tables (collections) exist.</summary>
    TableListing,
}
