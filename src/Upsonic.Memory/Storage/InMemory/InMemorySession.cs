
namespace Upsonic.Storage;

/// <summary>What <see cref="InMemoryStorage"/> keeps for one session: the head, messages in their stored JSON form, and run records.</summary>
/// <remarks>Messages are kept serialized, so nothing a caller holds can alias stored state and reads fail exactly as they would on a database.</remarks>
internal sealed partial class InMemorySession
{
    public required AgentSession Head { get; set; }

    public List<StoredMessage> Messages { get; } = [];

    /// <summary>Run records without messages, by run id.</summary>
    public Dictionary<string, StoredRun> Runs { get; } = new(StringComparer.Ordinal);

    /// <summary>Run ids by sequence, so the most recent runs are read without scanning the session's runs.</summary>
    private SortedList<long, string> RunIdsBySequence { get; } = [];

    /// <summary>Stores (or replaces) a run record; a run keeps its sequence.</summary>
    public void Put(StoredRun run)
    {
        Runs[run.Record.RunId] = run;
        RunIdsBySequence[run.Record.Sequence] = run.Record.RunId;
    }

    /// <summary>At most <paramref name="maxRuns"/> of the most recent runs after <paramref name="afterSequence"/>, oldest first.</summary>
    public IEnumerable<StoredRun> RunsAfter(long afterSequence, int maxRuns)
    {
        var newest = new List<StoredRun>();
        for (var i = RunIdsBySequence.Count - 1; i >= 0 && newest.Count < maxRuns && RunIdsBySequence.GetKeyAtIndex(i) > afterSequence; i--)
        {
            newest.Add(Runs[RunIdsBySequence.GetValueAtIndex(i)]);
        }

        newest.Reverse();
        return newest;
    }

    public long RunCount { get; set; }

    public long MessageCount { get; set; }

    internal sealed record StoredMessage(long Sequence, long Turn, string? RunId, bool InHistory, string Json);

    internal sealed record StoredRun(RunRecord Record, int MessageCount);

    public static InMemorySession FromLayout(AgentSession head, SessionRows.Layout layout)
    {
        var state = new InMemorySession { Head = head, RunCount = layout.RunCount };
        foreach (var row in layout.Messages)
        {
            state.Add(new StoredMessage(row.Sequence, row.Turn, row.RunId, row.InHistory, StorageJson.SerializeMessage(row.Message)));
        }

        foreach (var run in layout.Runs)
        {
            var record = SessionRows.Copy(run, withMessages: false);
            state.Put(new StoredRun(record, run.Messages.Count));
        }

        return state;
    }

    /// <summary>History messages by turn, so a window reads only its own turns.</summary>
    private SortedList<long, List<StoredMessage>> HistoryByTurn { get; } = [];

    /// <summary>Messages by the run that stored them, so reading a run touches only its own messages.</summary>
    private Dictionary<string, List<StoredMessage>> ByRun { get; } = new(StringComparer.Ordinal);

    /// <summary>Stores a message (and indexes it by turn when it is history).</summary>
    public void Add(StoredMessage message)
    {
        Messages.Add(message);
        MessageCount = Math.Max(MessageCount, message.Sequence);
        if (message.RunId is not null)
        {
            if (!ByRun.TryGetValue(message.RunId, out var run))
            {
                ByRun.Add(message.RunId, run = []);
            }

            run.Add(message);
        }

        if (message.InHistory)
        {
            if (!HistoryByTurn.TryGetValue(message.Turn, out var turn))
            {
                HistoryByTurn.Add(message.Turn, turn = []);
            }

            turn.Add(message);
        }
    }

    /// <summary>Replaces the stored text of a message (tests of corrupt data).</summary>
    public void Overwrite(long sequence, string json)
    {
        var index = Messages.FindIndex(m => m.Sequence == sequence);
        var old = Messages[index];
        Messages[index] = old with { Json = json };
        if (old.InHistory)
        {
            var turn = HistoryByTurn[old.Turn];
            turn[turn.IndexOf(old)] = Messages[index];
        }

        if (old.RunId is not null)
        {
            var run = ByRun[old.RunId];
            run[run.IndexOf(old)] = Messages[index];
        }
    }

    /// <summary>Removes the stored row of a message (tests of corrupt data: a lost row).</summary>
    public void Remove(long sequence)
    {
        var index = Messages.FindIndex(m => m.Sequence == sequence);
        var old = Messages[index];
        Messages.RemoveAt(index);
        if (old.InHistory)
        {
            HistoryByTurn[old.Turn].Remove(old);
        }

        if (old.RunId is not null)
        {
            ByRun[old.RunId].Remove(old);
        }
    }

    /// <summary>The history messages of the last <paramref name="turns"/> turns (all when null), in stored order.</summary>
    public IEnumerable<StoredMessage> HistoryWindow(int? turns)
    {
        var count = HistoryByTurn.Count;
        var first = turns is { } n ? Math.Max(0, count - n) : 0;
        var window = new List<StoredMessage>();
        for (var i = first; i < count; i++)
        {
            window.AddRange(HistoryByTurn.GetValueAtIndex(i));
        }

        return window.OrderBy(m => m.Sequence);
    }

    public MessageRow Read(StoredMessage m) =>
        new(m.Sequence, m.Turn, m.RunId, m.InHistory, StorageJson.DeserializeMessage(m.Json, Head.SessionId, m.Sequence));

    public RunRecord ReadRun(StoredRun run)
    {
        var copy = SessionRows.Copy(run.Record, withMessages: false);
        copy.Messages = ByRun.TryGetValue(run.Record.RunId, out var messages)
            ? messages.OrderBy(m => m.Sequence).Select(m => Read(m).Message).ToList()
            : [];
        return copy;
    }

    /// <summary>A run read on its own: a run with fewer (or more) messages than it stored is corrupt data, never returned short.</summary>
    public RunRecord ReadCheckedRun(StoredRun run)
    {
        var read = ReadRun(run);
        SessionRows.CheckMessageCount(read, run.MessageCount);
        return read;
    }

    public AgentSession ReadWhole()
    {
        var session = SessionRows.CopyHead(Head);
        session.Messages = Messages.Where(m => m.InHistory).OrderBy(m => m.Sequence).Select(m => Read(m).Message).ToList();
        session.Runs = Runs.Values.OrderBy(r => r.Record.Sequence).Select(ReadRun).ToList();
        return session;
    }
}
