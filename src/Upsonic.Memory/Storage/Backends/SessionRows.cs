using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.AI;

namespace Upsonic.Storage.Backends;

/// <summary>
/// How a whole <see cref="AgentSession"/> given to the record API maps onto the append-only layout, and back; shared by every
/// backend so they agree on sequence and turn numbers.
/// </summary>
[Experimental(StorageBase.ExperimentalDiagnosticId)]
public static class SessionRows
{
    /// <summary>The layout of a session to be stored whole.</summary>
    /// <param name="Runs">The runs, with <see cref="RunRecord.Sequence"/> set (kept when the given ones increase, else 1..n).</param>
    /// <param name="Messages">History rows (run id null, turns counted from user messages) then each run's rows (turn = run sequence).</param>
    /// <param name="RunCount">The highest turn or run sequence used; the next appended run gets RunCount + 1.</param>
    public sealed record Layout(IReadOnlyList<RunRecord> Runs, IReadOnlyList<MessageRow> Messages, long RunCount);

    /// <summary>Maps a whole session onto rows: runs sequenced, history rows first (turns counted from user messages), then each run's rows.</summary>
    public static Layout Flatten(AgentSession session)
    {
        var runs = session.Runs.Where(r => r is not null).ToList();
        var keep = runs.Count > 0 && runs[0].Sequence > 0 && runs.Zip(runs.Skip(1)).All(p => p.Second.Sequence > p.First.Sequence);
        var sequenced = new List<RunRecord>(runs.Count);
        for (var i = 0; i < runs.Count; i++)
        {
            var copy = Copy(runs[i], withMessages: true);
            copy.Sequence = keep ? runs[i].Sequence : i + 1;
            copy.SessionId = session.SessionId;
            sequenced.Add(copy);
        }

        var rows = new List<MessageRow>();
        long seq = 0, turn = 0;
        foreach (var message in session.Messages.Where(m => m is not null))
        {
            if (turn == 0 || message.Role == ChatRole.User)
            {
                turn++;
            }

            rows.Add(new MessageRow(++seq, turn, null, true, message));
        }

        foreach (var run in sequenced)
        {
            foreach (var message in run.Messages.Where(m => m is not null))
            {
                rows.Add(new MessageRow(++seq, run.Sequence, run.RunId, false, message));
            }
        }

        var runCount = Math.Max(turn, sequenced.Count == 0 ? 0 : sequenced[^1].Sequence);
        return new Layout(sequenced, rows, runCount);
    }

    /// <summary>Groups history rows (ordered by sequence) into turns, ordered by turn then sequence.</summary>
    public static IReadOnlyList<HistoryTurn> Turns(IEnumerable<MessageRow> historyRows)
    {
        return historyRows
            .GroupBy(r => r.Turn)
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                var ordered = g.OrderBy(r => r.Sequence).ToList();
                return new HistoryTurn(g.Key, ordered.Select(r => r.RunId).FirstOrDefault(id => id is not null), ordered.Select(r => r.Message).ToList())
                {
                    TokenCount = ordered.Sum(r => (long)r.TokenCount),
                };
            })
            .ToList();
    }

    /// <summary>
    /// A run read with fewer (or more) message rows than its record says it stored: corrupt data naming the run, never a run
    /// returned short (a lost row would otherwise make a resumed run start without part of its conversation).
    /// </summary>
    public static void CheckMessageCount(RunRecord run, long storedCount)
    {
        if (run.Messages.Count != storedCount)
        {
            throw StorageException.CorruptData(MessageCountMismatch(run.SessionId, run, storedCount), null, "ReadRun", run.RunId);
        }
    }

    /// <summary>
    /// A session read whole (head, history, runs with their messages): each run checked as <see cref="CheckMessageCount"/> checks
    /// one, so a run that lost a message row fails the read of its session, as corrupt data naming the session
    /// (<see cref="StorageException.RecordId"/>) and the run. A listing then leaves that session out and reports it.
    /// </summary>
    /// <param name="sessionId">The session read.</param>
    /// <param name="runs">Each run read, with the message count its record stored.</param>
    public static void CheckMessageCounts(string sessionId, IEnumerable<(RunRecord Run, long StoredCount)> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        foreach (var (run, storedCount) in runs)
        {
            if (run.Messages.Count != storedCount)
            {
                throw StorageException.CorruptData(MessageCountMismatch(sessionId, run, storedCount), null, "ReadSession", sessionId);
            }
        }
    }

    private static string MessageCountMismatch(string? sessionId, RunRecord run, long storedCount) =>
        $"Stored run '{run.RunId}' of session '{sessionId}' records {storedCount} messages, but {run.Messages.Count} were found.";

    /// <summary>A copy of a run record's fields (messages copied by reference when asked; callers clone messages themselves).</summary>
    public static RunRecord Copy(RunRecord run, bool withMessages) => new()
    {
        RunId = run.RunId,
        SessionId = run.SessionId,
        Sequence = run.Sequence,
        AgentId = run.AgentId,
        AgentName = run.AgentName,
        UserId = run.UserId,
        Status = run.Status,
        PauseReason = run.PauseReason,
        Error = run.Error,
        Input = run.Input,
        Output = run.Output,
        Usage = UsageMath.Copy(run.Usage),
        Metadata = StorageJson.Clone(run.Metadata),
        Messages = withMessages ? [.. run.Messages] : [],
        CreatedAt = run.CreatedAt,
        UpdatedAt = run.UpdatedAt,
    };

    /// <summary>A copy of a session's head fields, with empty messages and runs.</summary>
    public static AgentSession CopyHead(AgentSession s) => new()
    {
        SessionId = s.SessionId,
        SessionType = s.SessionType,
        AgentId = s.AgentId,
        TeamId = s.TeamId,
        WorkflowId = s.WorkflowId,
        UserId = s.UserId,
        SessionData = StorageJson.Clone(s.SessionData),
        Metadata = StorageJson.Clone(s.Metadata),
        AgentData = StorageJson.Clone(s.AgentData),
        Summary = s.Summary,
        SummaryWatermark = s.SummaryWatermark,
        Usage = UsageMath.Copy(s.Usage),
        CreatedAt = s.CreatedAt,
        UpdatedAt = s.UpdatedAt,
    };
}
