using System.Text.Json.Nodes;

namespace Upsonic.Storage;

/// <summary>A row of the knowledge-base document registry: one document that a knowledge base has ingested.</summary>
public sealed class KnowledgeRow
{
    /// <summary>The document's id. Required.</summary>
    public required string Id { get; set; }

    /// <summary>The document's name. Required.</summary>
    public required string Name { get; set; }

    /// <summary>A description of the document.</summary>
    public string? Description { get; set; }

    /// <summary>Free-form metadata.</summary>
    public JsonObject? Metadata { get; set; }

    /// <summary>The document type (for example <c>"pdf"</c>).</summary>
    public string? Type { get; set; }

    /// <summary>The document size in bytes.</summary>
    public long? Size { get; set; }

    /// <summary>The knowledge base the document belongs to.</summary>
    public string? KnowledgeBaseId { get; set; }

    /// <summary>A hash of the document content.</summary>
    public string? ContentHash { get; set; }

    /// <summary>How many chunks the document was split into.</summary>
    public int? ChunkCount { get; set; }

    /// <summary>Where the document came from.</summary>
    public string? Source { get; set; }

    /// <summary>The ingestion status.</summary>
    public string? Status { get; set; }

    /// <summary>A message about the ingestion status.</summary>
    public string? StatusMessage { get; set; }

    /// <summary>How often the document was accessed.</summary>
    public int AccessCount { get; set; }

    /// <summary>When the row was created (UTC). A given value is kept; otherwise the storage sets it.</summary>
    public DateTimeOffset? CreatedAt { get; set; }

    /// <summary>When the row was last written (UTC). Set by the storage on every write.</summary>
    public DateTimeOffset? UpdatedAt { get; set; }
}
