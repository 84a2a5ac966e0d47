using Microsoft.Extensions.AI;

namespace Upsonic.Storage;

/// <summary>What <see cref="InMemoryStorage"/> keeps for one session: the head, messages read back from their stored JSON once, and run records.</summary>
/// <remarks>
/// A message is kept as reading back its stored JSON would give it (a message of plain text is copied without the read, which gives
/// the same; see <see cref="MessageCopy.AsReadBack"/>), so what is kept is exactly what a database would return and nothing a
/// caller holds aliases it; reads hand out copies made without JSON (<see cref="MessageCopy"/>), so a window costs no parse per
/// message. A message whose stored text cannot be read (a test of corrupt data) keeps that text, and its reads fail as they would on
/// a database.
/// </remarks>
internal sealed partial class InMemorySession
{
    public required AgentSession Head { get; set; }

    /// <summary>The history epoch (<see cref="SessionWindowMark.Epoch"/>): drawn when the session is created or replaced whole.</summary>
    public long Epoch { get; private set; } = NewEpoch();

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

    /// <summary>A stored message: <paramref name="Message"/> as read back from its JSON, or the <paramref name="UnreadableJson"/> that could not be read.</summary>
    internal sealed record StoredMessage(long Sequence, long Turn, string? RunId, bool InHistory, ChatMessage? Message, string? UnreadableJson, int TokenCount)
    {
        /// <summary>A message to store, from its stored JSON (read back once here).</summary>
        public static StoredMessage FromJson(long sequence, long turn, string? runId, bool inHistory, string json, string sessionId)
        {
            ChatMessage? message = null;
            try
            {
                message = StorageJson.DeserializeMessage(json, sessionId, sequence);
            }
            catch (StorageException ex) when (ex.IsCorruptData)
            {
                // Kept as text: reading it fails, as a corrupt row does on a database.
            }

            return new StoredMessage(sequence, turn, runId, inHistory, message, message is null ? json : null, MessageTokens.Estimate(json));
        }
    }

    private static long NewEpoch() => HistoryEpoch.New();

    internal sealed record StoredRun(RunRecord Record, int MessageCount);

    public static InMemorySession FromLayout(AgentSession head, SessionRows.Layout layout)
    {
        var state = new InMemorySession { Head = head, RunCount = layout.RunCount };
        foreach (var row in layout.Messages)
        {
            state.Add(StoredMessage.FromJson(row.Sequence, row.Turn, row.RunId, row.InHistory, StorageJson.SerializeMessage(row.Message), head.SessionId));
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

    /// <summary>Replaces the stored text of a message (tests of corrupt data): a change outside the storage API, so a new epoch.</summary>
    public void Overwrite(long sequence, string json)
    {
        var index = Messages.FindIndex(m => m.Sequence == sequence);
        var old = Messages[index];
        Messages[index] = StoredMessage.FromJson(old.Sequence, old.Turn, old.RunId, old.InHistory, json, Head.SessionId);
        Epoch = NewEpoch();
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

    /// <summary>
    /// The history turns a window read returns, newest first selected and oldest first returned: with <paramref name="since"/>, only
    /// messages stored after that sequence; at most <paramref name="maxTurns"/> turns and <paramref name="tokenBudget"/> tokens.
    /// </summary>
    public IReadOnlyList<HistoryTurn> Window(long? since, int? maxTurns, int? tokenBudget)
    {
        if (maxTurns == 0 || tokenBudget == 0)
        {
            return [];
        }

        var selected = new List<HistoryTurn>();
        long used = 0;
        foreach (var (turn, messages) in since is { } after ? NewHistoryNewestFirst(after) : NewestFirst())
        {
            if (maxTurns is { } n && selected.Count >= n)
            {
                break;
            }

            var tokens = messages.Sum(m => (long)m.TokenCount);
            if (tokenBudget is { } budget && used + tokens > budget)
            {
                break;
            }

            used += tokens;
            selected.Add(new HistoryTurn(turn, messages.Select(m => m.RunId).FirstOrDefault(id => id is not null), messages.Select(Copy).ToList())
            {
                TokenCount = tokens,
            });
        }

        selected.Reverse();
        return selected;
    }

    // Every history turn, newest first, each with its messages in stored order.
    private IEnumerable<(long Turn, List<StoredMessage> Messages)> NewestFirst()
    {
        for (var i = HistoryByTurn.Count - 1; i >= 0; i--)
        {
            yield return (HistoryByTurn.GetKeyAtIndex(i), HistoryByTurn.GetValueAtIndex(i));
        }
    }

    // History messages stored after a sequence, by turn, newest first: Messages is in sequence order, so this reads only the new ones.
    private IEnumerable<(long Turn, List<StoredMessage> Messages)> NewHistoryNewestFirst(long after)
    {
        var low = 0;
        var high = Messages.Count;
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (Messages[mid].Sequence <= after)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        var byTurn = new SortedList<long, List<StoredMessage>>();
        for (var i = low; i < Messages.Count; i++)
        {
            var message = Messages[i];
            if (!message.InHistory)
            {
                continue;
            }

            if (!byTurn.TryGetValue(message.Turn, out var turn))
            {
                byTurn.Add(message.Turn, turn = []);
            }

            turn.Add(message);
        }

        return byTurn.Reverse().Select(p => (p.Key, p.Value));
    }

    /// <summary>A copy of a stored message for a caller (a corrupt one fails with the <see cref="StorageException"/> a database read gives).</summary>
    public ChatMessage Copy(StoredMessage m) =>
        m.Message is { } message ? MessageCopy.Of(message) : StorageJson.DeserializeMessage(m.UnreadableJson!, Head.SessionId, m.Sequence);

    public RunRecord ReadRun(StoredRun run)
    {
        var copy = SessionRows.Copy(run.Record, withMessages: false);
        copy.Messages = ByRun.TryGetValue(run.Record.RunId, out var messages)
            ? messages.OrderBy(m => m.Sequence).Select(Copy).ToList()
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

    /// <summary>The whole session; a run with fewer (or more) messages than it stored fails the read (see <see cref="SessionRows.CheckMessageCounts"/>).</summary>
    public AgentSession ReadWhole()
    {
        var session = SessionRows.CopyHead(Head);
        session.Messages = Messages.Where(m => m.InHistory).OrderBy(m => m.Sequence).Select(Copy).ToList();
        var runs = Runs.Values.OrderBy(r => r.Record.Sequence).Select(r => (Run: ReadRun(r), StoredCount: (long)r.MessageCount)).ToList();
        SessionRows.CheckMessageCounts(Head.SessionId, runs);
        session.Runs = runs.Select(r => r.Run).ToList();
        return session;
    }
}
