using MongoDB.Bson;

namespace Upsonic.Storage.Mongo;

/// <summary>One document per knowledge row (<c>_id</c> = row id), with the fields of the KnowledgeBase document registry.</summary>
internal static class KnowledgeDocuments
{
    public const string Id = "_id";
    public const string Name = "name";
    public const string Description = "description";
    public const string Metadata = "metadata";
    public const string Type = "type";
    public const string Size = "size";
    public const string KnowledgeBaseId = "knowledge_base_id";
    public const string ContentHash = "content_hash";
    public const string ChunkCount = "chunk_count";
    public const string Source = "source";
    public const string Status = "status";
    public const string StatusMessage = "status_message";
    public const string AccessCount = "access_count";
    public const string CreatedAt = "created_at";
    public const string UpdatedAt = "updated_at";

    /// <summary>The fields an upsert sets (everything but the id and created_at, which <see cref="KnowledgeDefinitions"/> decides).</summary>
    public static BsonDocument Fields(KnowledgeRow row, DateTimeOffset now) => new()
    {
        { Name, row.Name },
        { Description, BsonFields.String(row.Description) },
        { Metadata, row.Metadata is null ? BsonNull.Value : BsonJson.ToDocument(row.Metadata) },
        { Type, BsonFields.String(row.Type) },
        { Size, row.Size is { } size ? new BsonInt64(size) : BsonNull.Value },
        { KnowledgeBaseId, BsonFields.String(row.KnowledgeBaseId) },
        { ContentHash, BsonFields.String(row.ContentHash) },
        { ChunkCount, row.ChunkCount is { } chunks ? new BsonInt32(chunks) : BsonNull.Value },
        { Source, BsonFields.String(row.Source) },
        { Status, BsonFields.String(row.Status) },
        { StatusMessage, BsonFields.String(row.StatusMessage) },
        { AccessCount, row.AccessCount },
        { UpdatedAt, BsonFields.Time(now) },
    };

    /// <summary>The row stored in <paramref name="document"/>.</summary>
    public static KnowledgeRow Read(BsonDocument document)
    {
        var id = document[Id].AsString;
        return new KnowledgeRow
        {
            Id = id,
            Name = BsonFields.GetString(document, Name) ?? string.Empty,
            Description = BsonFields.GetString(document, Description),
            Metadata = BsonJson.ObjectField(document, Metadata, id),
            Type = BsonFields.GetString(document, Type),
            Size = BsonFields.GetNullableLong(document, Size),
            KnowledgeBaseId = BsonFields.GetString(document, KnowledgeBaseId),
            ContentHash = BsonFields.GetString(document, ContentHash),
            ChunkCount = (int?)BsonFields.GetNullableLong(document, ChunkCount),
            Source = BsonFields.GetString(document, Source),
            Status = BsonFields.GetString(document, Status),
            StatusMessage = BsonFields.GetString(document, StatusMessage),
            AccessCount = (int)BsonFields.GetLong(document, AccessCount),
            CreatedAt = BsonFields.GetTime(document, CreatedAt, id),
            UpdatedAt = BsonFields.GetTime(document, UpdatedAt, id),
        };
    }
}
