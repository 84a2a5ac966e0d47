using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Upsonic.Storage.Backends;

/// <summary>
/// The append rules of <see cref="IStorage.AppendRunAsync"/>, computed once for every backend from what the backend read: the
/// run's sequence, which messages are new and their sequences, the run record to store, the session's usage delta, the merged
/// agent data, the new counters and the result.
/// </summary>
/// <remarks>
/// A backend reads the session's <see cref="SessionCounters"/> (or learns that the session does not exist) and the run's
/// <see cref="PreviousRunSave"/> inside its transaction (or atomic script, or optimistic attempt), calls <see cref="Create"/>,
/// and writes what the plan says: the head (<see cref="NewSessionHead"/> when <see cref="SessionCreated"/>), the messages
/// <c>Run.Messages[FirstNewMessage..]</c> at sequences from <see cref="FirstMessageSequence"/>, the run record <see cref="Run"/>
/// with <see cref="RunMessageCount"/>, and the head's <see cref="RunCount"/>, <see cref="MessageCount"/>,
/// <see cref="SessionUsage"/>, <see cref="AgentData"/> and updated_at = <see cref="Now"/>.
/// </remarks>
[Experimental(StorageBase.ExperimentalDiagnosticId)]
public sealed class RunAppendPlan
{
    private RunAppendPlan(RunAppend append, SessionCounters? session, PreviousRunSave? previous, DateTimeOffset now)
    {
        var run = append.Run;
        Append = append;
        Now = now;
        SessionCreated = session is null;
        RunCreated = previous is null;
        Sequence = previous?.Sequence ?? (session?.RunCount ?? 0) + 1;
        FirstNewMessage = previous?.MessageCount ?? 0;
        NewMessageCount = Math.Max(0, run.Messages.Count - FirstNewMessage);
        FirstMessageSequence = (session?.MessageCount ?? 0) + 1;
        RunMessageCount = Math.Max(FirstNewMessage, run.Messages.Count);
        RunCount = Math.Max(session?.RunCount ?? 0, Sequence);
        MessageCount = (session?.MessageCount ?? 0) + NewMessageCount;
        SessionUsage = UsageMath.ApplyRunDelta(session?.Usage, run.Usage, previous?.Usage);
        AgentData = StorageJson.Clone(session?.AgentData);
        if (!string.IsNullOrEmpty(append.AgentName))
        {
            AgentData ??= [];
            AgentData["agent_name"] = append.AgentName;
        }

        Run = SessionRows.Copy(run, withMessages: false);
        Run.SessionId = append.SessionId;
        Run.Sequence = Sequence;
        Run.CreatedAt = previous?.CreatedAt ?? now;
        Run.UpdatedAt = now;
    }

    /// <summary>Plans one append.</summary>
    /// <param name="append">The append (already checked).</param>
    /// <param name="session">The session's counters, or <see langword="null"/> when the session does not exist yet.</param>
    /// <param name="previousRun">The run's earlier save, or <see langword="null"/> when the run is new.</param>
    /// <param name="now">The storage time of the write (see <see cref="StorageClock.Now"/>).</param>
    public static RunAppendPlan Create(RunAppend append, SessionCounters? session, PreviousRunSave? previousRun, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(append);
        return new RunAppendPlan(append, session, previousRun, now);
    }

    /// <summary>The append being planned.</summary>
    public RunAppend Append { get; }

    /// <summary>The session written to.</summary>
    public string SessionId => Append.SessionId;

    /// <summary>The storage time of the write: the run's updated_at and the head's updated_at.</summary>
    public DateTimeOffset Now { get; }

    /// <summary>Whether the append creates the session.</summary>
    public bool SessionCreated { get; }

    /// <summary>Whether the append creates the run record (false when it replaces an earlier save of the run).</summary>
    public bool RunCreated { get; }

    /// <summary>The run's sequence: kept from an earlier save, else the session's next.</summary>
    public long Sequence { get; }

    /// <summary>The run record to store, without messages: session id, sequence, created_at (kept) and updated_at set.</summary>
    public RunRecord Run { get; }

    /// <summary>The index in the run's messages of the first message to store (the earlier saves stored those before it).</summary>
    public int FirstNewMessage { get; }

    /// <summary>How many messages this append stores.</summary>
    public int NewMessageCount { get; }

    /// <summary>The sequence of the first stored message; the others follow one by one.</summary>
    public long FirstMessageSequence { get; }

    /// <summary>How many of the run's messages are stored after the append (recorded on the run).</summary>
    public int RunMessageCount { get; }

    /// <summary>The session's highest run sequence after the append.</summary>
    public long RunCount { get; }

    /// <summary>The session's highest message sequence after the append.</summary>
    public long MessageCount { get; }

    /// <summary>The session's usage after the append: the run's usage counted once however often it is saved.</summary>
    public UsageDetails? SessionUsage { get; }

    /// <summary>The session's agent data after the append: <c>agent_name</c> merged in when the append names the agent.</summary>
    public JsonObject? AgentData { get; }

    /// <summary>What <see cref="IStorage.AppendRunAsync"/> returns.</summary>
    public RunAppendResult Result => new(Sequence, NewMessageCount, SessionCreated, RunCreated);

    /// <summary>The messages to store, paired with their sequences, in order.</summary>
    public IEnumerable<(long Sequence, ChatMessage Message)> NewMessages()
    {
        for (var i = 0; i < NewMessageCount; i++)
        {
            yield return (FirstMessageSequence + i, Append.Run.Messages[FirstNewMessage + i]);
        }
    }

    /// <summary>The head of a session this append creates: the run's agent and user ids, empty metadata, and the append's usage and agent data.</summary>
    public AgentSession NewSessionHead() => new()
    {
        SessionId = SessionId,
        AgentId = Append.Run.AgentId,
        UserId = Append.Run.UserId,
        Metadata = [],
        AgentData = StorageJson.Clone(AgentData),
        Usage = UsageMath.Copy(SessionUsage),
        CreatedAt = Now,
        UpdatedAt = Now,
    };
}
