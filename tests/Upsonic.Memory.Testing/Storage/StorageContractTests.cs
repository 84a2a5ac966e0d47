namespace Upsonic.Storage.Testing;

/// <summary>
/// Every shared suite in one class: the storage contract (session records and listings, user memories, knowledge, bad input, the
/// hot path, lifecycle, corrupt data, concurrency) and the Memory acceptance suites (prepare, save, summaries, profiles, background
/// work, diagnostics, boundedness, conveniences, settings, storage failures, the
/// MemoryFactory, the shared UseMemory pipeline). A backend's test project runs them all with one line:
/// <code>public sealed class SqliteStorageTests : StorageContractTests&lt;SqliteTarget&gt;;</code>
/// </summary>
/// <remarks>
/// The suites are one inheritance chain (each area derives from the one before it, <see cref="StorageContract{TTarget}"/> first),
/// so xunit discovers every test of every area on the one derived class, and a suite added to the chain reaches every backend
/// without a change to its test project. Each test gets a new <typeparamref name="TTarget"/> and fresh storages.
/// </remarks>
/// <typeparam name="TTarget">The backend's target.</typeparam>
public abstract class StorageContractTests<TTarget> : SharedPipelineAcceptance<TTarget>
    where TTarget : StorageTarget, new();
