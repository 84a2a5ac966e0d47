using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;
using MongoDB.Driver;

namespace Upsonic.Memory.Mongo.Tests;

/// <summary>Renders driver definitions to the BSON the driver sends, with the driver's own Render API.</summary>
internal static class Render
{
    private static RenderArgs<BsonDocument> Args => new(BsonDocumentSerializer.Instance, BsonSerializer.SerializerRegistry);

    public static BsonDocument Filter(FilterDefinition<BsonDocument> definition) => definition.Render(Args);

    public static BsonValue Update(UpdateDefinition<BsonDocument> definition) => definition.Render(Args);

    public static BsonDocument Sort(SortDefinition<BsonDocument> definition) => definition.Render(Args);

    public static BsonDocument Projection(ProjectionDefinition<BsonDocument> definition) => definition.Render(Args);

    public static BsonDocument Projection(ProjectionDefinition<BsonDocument, BsonDocument> definition) => definition.Render(Args).Document;

    public static BsonDocument Keys(IndexKeysDefinition<BsonDocument> definition) => definition.Render(Args);

    /// <summary>Asserts that <paramref name="actual"/> equals the document written as relaxed JSON in <paramref name="expected"/>.</summary>
    /// <remarks>Relaxed extended JSON prints Int32 and Int64 alike, so the expectation states values, not integer widths.</remarks>
    public static void Is(string expected, BsonValue actual) =>
        Assert.Equal(BsonDocument.Parse(expected).ToJson(Relaxed), actual.ToJson(Relaxed));

    private static readonly JsonWriterSettings Relaxed = new() { OutputMode = JsonOutputMode.RelaxedExtendedJson };
}
