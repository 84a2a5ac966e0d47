using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Upsonic.Storage;

/// <summary>The default user profile schema: what user analysis memory extracts when no custom schema is given.</summary>
/// <remarks>The descriptions are sent to the model as part of the structured-output schema. Every field is optional.</remarks>
[Description("Traits of the user, inferred only from what the user explicitly said.")]
public sealed class UserTraits
{
    /// <summary>The user's skill level on the main topic.</summary>
    [JsonPropertyName("detected_expertise")]
    [Description("The user's skill level on the main topic of the conversation, e.g. 'beginner', 'intermediate', 'expert'.")]
    public string? DetectedExpertise { get; set; }

    /// <summary>The tone the user prefers.</summary>
    [JsonPropertyName("detected_tone")]
    [Description("The tone the user prefers, inferred from their language, e.g. 'formal', 'casual', 'technical'.")]
    public string? DetectedTone { get; set; }

    /// <summary>Topics the user seems interested in.</summary>
    [JsonPropertyName("inferred_interests")]
    [Description("General topics or keywords the user seems interested in.")]
    public List<string>? InferredInterests { get; set; }

    /// <summary>What the user is trying to achieve now.</summary>
    [JsonPropertyName("current_goal")]
    [Description("What the user is trying to achieve right now in this conversation.")]
    public string? CurrentGoal { get; set; }

    /// <summary>The dominant emotional state in recent messages.</summary>
    [JsonPropertyName("session_sentiment")]
    [Description("The dominant emotional state in the user's most recent messages, e.g. 'curious', 'frustrated', 'neutral'.")]
    public string? SessionSentiment { get; set; }

    /// <summary>How the user wants answers presented.</summary>
    [JsonPropertyName("communication_style")]
    [Description("How the user wants answers presented, e.g. 'concise', 'code examples', 'bullet points', 'detailed'.")]
    public List<string>? CommunicationStyle { get; set; }

    /// <summary>Important named people, projects or tools, each with a short note.</summary>
    [JsonPropertyName("key_entities")]
    [Description("Important named people, projects or tools the user mentioned, each with a short note of context.")]
    public Dictionary<string, string>? KeyEntities { get; set; }

    /// <summary>A running summary of the user's overarching goals.</summary>
    [JsonPropertyName("long_term_objective_summary")]
    [Description("A running summary of the user's overarching goals across sessions; extend it rather than replace it.")]
    public string? LongTermObjectiveSummary { get; set; }
}
