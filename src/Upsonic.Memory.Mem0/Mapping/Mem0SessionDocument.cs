using System.Text.Json;
using System.Text.Json.Serialization;

namespace Upsonic.Storage.Mem0;

/// <summary>
/// A session as one Mem0 record: the head, the run records (without messages) and every stored message as a row of the
/// append-only layout (sequence, turn, run, whether it is history), the message kept as its stored JSON text.
/// </summary>
/// <remarks>Messages stay serialized until a read needs them, so a corrupt message fails only the reads that use it, naming
/// its session and sequence, as on every other backend.</remarks>
internal sealed class Mem0SessionDocument
{
    private static readonly JsonSerializerOptions Json = new(StorageJson.Options)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public required AgentSession Head { get; set; }

    public long RunCount { get; set; }

    public long MessageCount { get; set; }

    public List<StoredRun> Runs { get; set; } = [];

    public List<StoredMessage> Messages { get; set; } = [];

    /// <summary>A run record without its messages, and how many of its messages are stored.</summary>
    internal sealed class StoredRun
    {
        public required RunRecord Record { get; set; }

        public int MessageCount { get; set; }
    }

    /// <summary>One stored message row.</summary>
    internal sealed record StoredMessage(long Seq, long Turn, string? RunId, bool InHistory, string Message);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static Mem0SessionDocument FromJson(string json, string sessionId)
    {
        try
        {
            return Mem0Json.Read<Mem0SessionDocument>(json, Json);
        }
        catch (JsonException ex)
        {
            throw StorageException.CorruptData($"Mem0 session '{sessionId}' has an unreadable payload: {ex.Message}", ex, "Read", sessionId);
        }
    }

    /// <summary>A document for a session given whole to the record API.</summary>
    public static Mem0SessionDocument FromLayout(AgentSession head, SessionRows.Layout layout) => new()
    {
        Head = head,
        RunCount = layout.RunCount,
        MessageCount = layout.Messages.Count == 0 ? 0 : layout.Messages[^1].Sequence,
        Runs = layout.Runs.Select(r => new StoredRun { Record = SessionRows.Copy(r, withMessages: false), MessageCount = r.Messages.Count }).ToList(),
        Messages = layout.Messages.Select(m => new StoredMessage(m.Sequence, m.Turn, m.RunId, m.InHistory, StorageJson.SerializeMessage(m.Message))).ToList(),
    };

    public MessageRow Read(StoredMessage m) =>
        new(m.Seq, m.Turn, m.RunId, m.InHistory, StorageJson.DeserializeMessage(m.Message, Head.SessionId, m.Seq));

    /// <summary>The history rows of the last <paramref name="turns"/> turns (all when null), in stored order.</summary>
    public IEnumerable<MessageRow> HistoryWindow(int? turns)
    {
        var history = Messages.Where(m => m.InHistory).ToList();
        var kept = history.Select(m => m.Turn).Distinct().Order().ToList();
        var first = turns is { } n ? Math.Max(0, kept.Count - n) : 0;
        var window = kept.Skip(first).ToHashSet();
        return history.Where(m => window.Contains(m.Turn)).OrderBy(m => m.Seq).Select(Read);
    }

    public StoredRun? FindRun(string runId) => Runs.Find(r => r.Record.RunId == runId);

    /// <summary>A run with its messages.</summary>
    /// <exception cref="StorageException">A message cannot be read, or fewer or more of the run's messages are stored than the run
    /// records (<see cref="SessionRows.CheckMessageCount"/>): a run is never returned short.</exception>
    public RunRecord ReadRun(StoredRun run)
    {
        var copy = ReadRunMessages(run);
        SessionRows.CheckMessageCount(copy, run.MessageCount);
        return copy;
    }

    /// <summary>The whole session.</summary>
    /// <exception cref="StorageException">A message cannot be read, or a run's stored messages do not match its count
    /// (<see cref="SessionRows.CheckMessageCounts"/>, naming the session).</exception>
    public AgentSession ReadWhole()
    {
        var session = SessionRows.CopyHead(Head);
        session.Messages = Messages.Where(m => m.InHistory).OrderBy(m => m.Seq).Select(m => Read(m).Message).ToList();
        var runs = Runs.OrderBy(r => r.Record.Sequence).Select(r => (Run: ReadRunMessages(r), StoredCount: (long)r.MessageCount)).ToList();
        SessionRows.CheckMessageCounts(Head.SessionId, runs);
        session.Runs = runs.Select(r => r.Run).ToList();
        return session;
    }

    private RunRecord ReadRunMessages(StoredRun run)
    {
        var copy = SessionRows.Copy(run.Record, withMessages: false);
        copy.Messages = Messages.Where(m => m.RunId == run.Record.RunId).OrderBy(m => m.Seq).Select(m => Read(m).Message).ToList();
        return copy;
    }
}
