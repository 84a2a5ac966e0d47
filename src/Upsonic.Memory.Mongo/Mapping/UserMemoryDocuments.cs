using MongoDB.Bson;

namespace Upsonic.Storage.Mongo;

/// <summary>One document per user (<c>_id</c> = user id): the profile as a native sub-document, agent and team ids, timestamps.</summary>
internal static class UserMemoryDocuments
{
    public const string Id = "_id";
    public const string Profile = "profile";
    public const string AgentId = "agent_id";
    public const string TeamId = "team_id";
    public const string CreatedAt = "created_at";
    public const string UpdatedAt = "updated_at";

    /// <summary>The profile stored in <paramref name="document"/>.</summary>
    public static UserMemory Read(BsonDocument document)
    {
        var id = document[Id].AsString;
        return new UserMemory
        {
            UserId = id,
            Profile = BsonJson.ObjectField(document, Profile, id) ?? [],
            AgentId = BsonFields.GetString(document, AgentId),
            TeamId = BsonFields.GetString(document, TeamId),
            CreatedAt = BsonFields.GetTime(document, CreatedAt, id),
            UpdatedAt = BsonFields.GetTime(document, UpdatedAt, id),
        };
    }
}
