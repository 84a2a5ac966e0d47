using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Mongo.Tests.Live;

/// <summary>Storage spans of MongoStorage (runs when MONGODB_URI is set).</summary>
public sealed class MongoStorageTracingTests : StorageTracingAcceptance<MongoTarget>
{
    protected override string SystemName => "mongodb";
}
