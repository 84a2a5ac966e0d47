namespace Upsonic.Storage;

// Reading a session's rows in pages by sequence and writing imported rows at their original sequences.
internal sealed partial class InMemorySession
{
    /// <summary>At most <paramref name="count"/> message rows with a sequence greater than <paramref name="afterSequence"/>, by sequence.</summary>
    public IEnumerable<StoredMessage> MessagesAfter(long afterSequence, int count)
    {
        for (var i = IndexAfter(afterSequence); i < Messages.Count && count-- > 0; i++)
        {
            yield return Messages[i];
        }
    }

    /// <summary>At most <paramref name="count"/> runs with a sequence greater than <paramref name="afterSequence"/>, oldest first.</summary>
    public IEnumerable<StoredRun> RunsFrom(long afterSequence, int count)
    {
        var keys = RunIdsBySequence.Keys;
        int low = 0, high = keys.Count;
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (keys[mid] <= afterSequence)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        for (var i = low; i < keys.Count && count-- > 0; i++)
        {
            yield return Runs[RunIdsBySequence.GetValueAtIndex(i)];
        }
    }

    /// <summary>Writes a message row at its sequence, replacing the row stored there, and raises the counters; a new history
    /// epoch, so a window mark held from before is not taken as covering the rows written here.</summary>
    public void Import(StoredMessage message)
    {
        Epoch = HistoryEpoch.New();
        var index = IndexAfter(message.Sequence - 1);
        if (index < Messages.Count && Messages[index].Sequence == message.Sequence)
        {
            var old = Messages[index];
            Messages.RemoveAt(index);
            if (old.InHistory)
            {
                HistoryByTurn[old.Turn].Remove(old);
                if (HistoryByTurn[old.Turn].Count == 0)
                {
                    HistoryByTurn.Remove(old.Turn);
                }
            }

            if (old.RunId is not null)
            {
                ByRun[old.RunId].Remove(old);
            }
        }

        Messages.Insert(index, message);
        MessageCount = Math.Max(MessageCount, message.Sequence);
        RunCount = Math.Max(RunCount, message.Turn);
        if (message.RunId is not null)
        {
            if (!ByRun.TryGetValue(message.RunId, out var run))
            {
                ByRun.Add(message.RunId, run = []);
            }

            run.Insert(run.Count(m => m.Sequence < message.Sequence), message);
        }

        if (message.InHistory)
        {
            if (!HistoryByTurn.TryGetValue(message.Turn, out var turn))
            {
                HistoryByTurn.Add(message.Turn, turn = []);
            }

            turn.Insert(turn.Count(m => m.Sequence < message.Sequence), message);
        }
    }

    /// <summary>Writes a run record at its sequence, replacing the stored record of the run, and raises the run counter.</summary>
    public void Import(StoredRun run)
    {
        if (Runs.TryGetValue(run.Record.RunId, out var old))
        {
            RunIdsBySequence.Remove(old.Record.Sequence);
        }

        Put(run);
        RunCount = Math.Max(RunCount, run.Record.Sequence);
    }

    /// <summary>The index of the first message with a sequence greater than <paramref name="afterSequence"/> (messages are kept by sequence).</summary>
    private int IndexAfter(long afterSequence)
    {
        int low = 0, high = Messages.Count;
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (Messages[mid].Sequence <= afterSequence)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }
}
