using MongoDB.Bson;
using MongoDB.Driver;
using K = Upsonic.Storage.Mongo.KnowledgeDocuments;

namespace Upsonic.Storage.Mongo;

/// <summary>Filters, sorts and the upsert of knowledge rows.</summary>
internal static class KnowledgeDefinitions
{
    private static FilterDefinitionBuilder<BsonDocument> Filter => Builders<BsonDocument>.Filter;

    /// <summary>One row by id.</summary>
    public static FilterDefinition<BsonDocument> ById(string id) => Filter.Eq(K.Id, id);

    /// <summary>Rows whose ids are in the list.</summary>
    public static FilterDefinition<BsonDocument> ByIds(IEnumerable<string> ids) => Filter.In(K.Id, ids);

    /// <summary>Rows of one knowledge base, or all.</summary>
    public static FilterDefinition<BsonDocument> Matching(KnowledgeQuery query) =>
        query.KnowledgeBaseId is null ? Filter.Empty : Filter.Eq(K.KnowledgeBaseId, query.KnowledgeBaseId);

    /// <summary>The chosen timestamp in the chosen direction, ties by id ascending.</summary>
    public static SortDefinition<BsonDocument> Order(RecordSortField field, SortOrder order)
    {
        var key = field == RecordSortField.UpdatedAt ? K.UpdatedAt : K.CreatedAt;
        var sort = Builders<BsonDocument>.Sort;
        return sort.Combine(order == SortOrder.Ascending ? sort.Ascending(key) : sort.Descending(key), sort.Ascending(K.Id));
    }

    /// <summary>
    /// Sets every field; a given created_at is written, otherwise the stored one is kept (now for a new row). One <c>findAndModify</c>.
    /// </summary>
    public static UpdateDefinition<BsonDocument> Upsert(KnowledgeRow row, DateTimeOffset now)
    {
        var set = K.Fields(row, now);
        var update = new BsonDocument("$set", set);
        if (row.CreatedAt is { } created)
        {
            set.Add(K.CreatedAt, BsonFields.Time(created));
        }
        else
        {
            update.Add("$setOnInsert", new BsonDocument(K.CreatedAt, BsonFields.Time(now)));
        }

        return update;
    }
}
