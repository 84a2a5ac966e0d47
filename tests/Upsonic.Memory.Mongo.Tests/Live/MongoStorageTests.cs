using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Mongo.Tests.Live;

/// <summary>Every shared suite (the storage contract and the Memory acceptance suites), run unchanged against MongoStorage on a live server (MONGODB_URI).</summary>
public sealed class MongoStorageTests : StorageContractTests<MongoTarget>;
