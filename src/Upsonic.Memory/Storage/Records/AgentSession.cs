using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Upsonic.Storage;

/// <summary>
/// One conversation session: a small head (ids, summary, metadata, usage, timestamps) plus its history messages and run records.
/// </summary>
/// <remarks>
/// Backends store the head, the messages and the runs separately (see docs/storage.md), so saving a turn never rewrites the
/// session. <see cref="IStorage.GetSessionAsync"/> returns the whole record; the per-turn hot path reads only the head and a
/// window of recent turns (<see cref="IStorage.LoadSessionWindowAsync(SessionWindowRequest, CancellationToken)"/>).
/// <para><b>Security considerations:</b> the record holds user content verbatim (messages, inputs, outputs, summary). Treat
/// the storage that holds it as holding personal data.</para>
/// </remarks>
public sealed class AgentSession
{
    /// <summary>The session's key. Required.</summary>
    public required string SessionId { get; set; }

    /// <summary>The kind of session. Defaults to <see cref="Storage.SessionType.Agent"/>.</summary>
    public SessionType SessionType { get; set; } = SessionType.Agent;

    /// <summary>The agent that created the session, if any.</summary>
    public string? AgentId { get; set; }

    /// <summary>The team that owns the session, if any.</summary>
    public string? TeamId { get; set; }

    /// <summary>The workflow that owns the session, if any.</summary>
    public string? WorkflowId { get; set; }

    /// <summary>The user the session belongs to, if any.</summary>
    public string? UserId { get; set; }

    /// <summary>Free-form session state kept by the application.</summary>
    public JsonObject? SessionData { get; set; }

    /// <summary>User metadata, injected into runs as a <c>&lt;SessionMetadata&gt;</c> block.</summary>
    public JsonObject? Metadata { get; set; }

    /// <summary>Data about the agent that writes the session (for example <c>agent_name</c>).</summary>
    public JsonObject? AgentData { get; set; }

    /// <summary>The running summary of the session written by the summary memory, or <see langword="null"/>.</summary>
    public string? Summary { get; set; }

    /// <summary>
    /// The <see cref="RunRecord.Sequence"/> of the last run that <see cref="Summary"/> covers (0 when nothing is summarized).
    /// Summary memory summarizes only the runs after it.
    /// </summary>
    public long SummaryWatermark { get; set; }

    /// <summary>The session's conversation history: every message saved into history, in the order it was saved.</summary>
    public List<ChatMessage> Messages { get; set; } = [];

    /// <summary>The session's run records, in run order (<see cref="RunRecord.Sequence"/>).</summary>
    public List<RunRecord> Runs { get; set; } = [];

    /// <summary>Token usage summed over the session's runs (each run counted once), or <see langword="null"/>.</summary>
    public UsageDetails? Usage { get; set; }

    /// <summary>When the session was first stored (UTC). Kept by every later upsert.</summary>
    public DateTimeOffset? CreatedAt { get; set; }

    /// <summary>When the session was last written (UTC). Set by the storage on every write.</summary>
    public DateTimeOffset? UpdatedAt { get; set; }
}
