using Upsonic.Storage.Serialization;

namespace Upsonic.Storage;

/// <summary>What <see cref="InMemoryStorage"/> keeps for one session: the head, messages in their stored JSON form, and run records.</summary>
/// <remarks>Messages are kept serialized, so nothing a caller holds can alias stored state and reads fail exactly as they would on a database.</remarks>
internal sealed class InMemorySession
{
    public required AgentSession Head { get; set; }

    public List<StoredMessage> Messages { get; } = [];

    /// <summary>Run records without messages, by run id.</summary>
    public Dictionary<string, StoredRun> Runs { get; } = new(StringComparer.Ordinal);

    public long RunCount { get; set; }

    public long MessageCount { get; set; }

    internal sealed record StoredMessage(long Sequence, long Turn, string? RunId, bool InHistory, string Json);

    internal sealed record StoredRun(RunRecord Record, int MessageCount);

    public static InMemorySession FromLayout(AgentSession head, SessionRows.Layout layout)
    {
        var state = new InMemorySession { Head = head, RunCount = layout.RunCount };
        foreach (var row in layout.Messages)
        {
            state.Messages.Add(new StoredMessage(row.Sequence, row.Turn, row.RunId, row.InHistory, StorageJson.SerializeMessage(row.Message)));
            state.MessageCount = row.Sequence;
        }

        foreach (var run in layout.Runs)
        {
            var record = SessionRows.Copy(run, withMessages: false);
            state.Runs[run.RunId] = new StoredRun(record, run.Messages.Count);
        }

        return state;
    }

    public MessageRow Read(StoredMessage m) =>
        new(m.Sequence, m.Turn, m.RunId, m.InHistory, StorageJson.DeserializeMessage(m.Json, Head.SessionId, m.Sequence));

    public RunRecord ReadRun(StoredRun run)
    {
        var copy = SessionRows.Copy(run.Record, withMessages: false);
        copy.Messages = Messages.Where(m => m.RunId == run.Record.RunId).OrderBy(m => m.Sequence).Select(m => Read(m).Message).ToList();
        return copy;
    }

    public AgentSession ReadWhole()
    {
        var session = SessionRows.CopyHead(Head);
        session.Messages = Messages.Where(m => m.InHistory).OrderBy(m => m.Sequence).Select(m => Read(m).Message).ToList();
        session.Runs = Runs.Values.OrderBy(r => r.Record.Sequence).Select(ReadRun).ToList();
        return session;
    }
}
