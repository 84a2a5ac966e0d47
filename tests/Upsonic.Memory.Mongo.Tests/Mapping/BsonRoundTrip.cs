using MongoDB.Bson;
using MongoDB.Bson.Serialization;

namespace Upsonic.Memory.Mongo.Tests.Mapping;

/// <summary>Sends a document through real BSON bytes and back, as the server would store and return it.</summary>
internal static class BsonRoundTrip
{
    public static BsonDocument ThroughBytes(BsonDocument document) => BsonSerializer.Deserialize<BsonDocument>(document.ToBson());
}
