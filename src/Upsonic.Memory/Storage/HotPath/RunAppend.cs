namespace Upsonic.Storage;

/// <summary>One save of a run: what <see cref="IStorage.AppendRunAsync"/> writes atomically.</summary>
/// <remarks>
/// The storage, in one transaction (or one atomic script): creates the session head when it does not exist (with the
/// run's agent and user ids); inserts or replaces the run record (a new run gets the next <see cref="RunRecord.Sequence"/>);
/// appends those of <see cref="RunRecord.Messages"/> that earlier saves of the same run have not stored yet, so saving a run
/// again after a pause writes only its new messages; adds the run's usage to the session's usage minus what earlier saves of
/// the run already added (usage is counted once per run); merges <see cref="AgentName"/> into agent data; and sets updated_at.
/// Nothing it reads or writes grows with the session's history.
/// </remarks>
public sealed record RunAppend
{
    /// <summary>The session to write to. Required.</summary>
    public required string SessionId { get; init; }

    /// <summary>The run record, with every message the run has produced so far in <see cref="RunRecord.Messages"/>. Required.</summary>
    public required RunRecord Run { get; init; }

    /// <summary>Whether the newly stored messages become part of the session's conversation history.</summary>
    public bool AddToHistory { get; init; }

    /// <summary>The agent's name, recorded in the session's agent data as <c>agent_name</c> when given.</summary>
    public string? AgentName { get; init; }
}
