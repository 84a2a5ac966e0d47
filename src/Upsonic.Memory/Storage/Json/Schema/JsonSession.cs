using System.Text.Json;

namespace Upsonic.Storage;

/// <summary>
/// One session of a <see cref="JsonStorage"/>, read from its files: the head (the head file, rolled forward by the log entries
/// written after it), the messages and the runs. Writes go to the files at once; callers hold the directory's lock.
/// </summary>
/// <remarks>
/// The log is the truth: the session exists when its log does, and every entry carries the counters, usage and agent data after
/// it, so a head file older than the log (a crash between the two writes) is completed from the entries. A last line that does
/// not end the file with a newline, or does not parse, is a save torn by a crash: it is ignored, and cut off by the next append.
/// </remarks>
internal sealed class JsonSession
{
    private const byte NewLine = (byte)'\n';

    private readonly string _logPath;
    private readonly string _headPath;
    private long _validLength;
    private bool _tornTail;

    private JsonSession(string directory, AgentSession head, string generation)
    {
        Head = head;
        Generation = generation;
        _logPath = JsonFiles.SessionLog(directory, head.SessionId);
        _headPath = JsonFiles.SessionHead(directory, head.SessionId);
    }

    /// <summary>The head: summary, metadata, usage, agent data, timestamps (no messages or runs).</summary>
    public AgentSession Head { get; }

    public string Generation { get; }

    /// <summary>How many entries the log holds.</summary>
    public long Entries { get; private set; }

    public long RunCount { get; private set; }

    public long MessageCount { get; private set; }

    public List<JsonLogMessage> Messages { get; } = [];

    /// <summary>The latest save of each run, by run id.</summary>
    public Dictionary<string, JsonLogRun> Runs { get; } = new(StringComparer.Ordinal);

    /// <summary>Reads a session, or returns null when it has no log.</summary>
    public static JsonSession? Load(string directory, string sessionId)
    {
        var logPath = JsonFiles.SessionLog(directory, sessionId);
        var bytes = JsonFiles.ReadIfExists(logPath);
        return bytes is null ? null : Parse(directory, logPath, bytes);
    }

    /// <summary>Reads the session whose log is <paramref name="logPath"/>, or null when it was deleted meanwhile.</summary>
    public static JsonSession? LoadLog(string directory, string logPath)
    {
        var bytes = JsonFiles.ReadIfExists(logPath);
        return bytes is null ? null : Parse(directory, logPath, bytes);
    }

    /// <summary>Writes a new session (or replaces one whole): the log with its header and first entry, then the head file.</summary>
    public static JsonSession Create(string directory, AgentSession head, JsonLogEntry first)
    {
        var session = new JsonSession(directory, head, Guid.NewGuid().ToString("N"));
        using var log = new MemoryStream();
        log.Write(JsonRecords.Serialize(new JsonLogHeader { Generation = session.Generation, Head = head }));
        log.WriteByte(NewLine);
        log.Write(JsonRecords.Serialize(first));
        log.WriteByte(NewLine);
        JsonFiles.ReplaceAtomically(session._logPath, log.ToArray());
        session._validLength = log.Length;
        session.Apply(first, rollForward: false);
        session.WriteHead();
        return session;
    }

    /// <summary>Appends one entry (flushed to disk), cutting off a torn last line first.</summary>
    public void Append(JsonLogEntry entry)
    {
        var line = JsonRecords.Serialize(entry);
        var bytes = new byte[line.Length + 1];
        line.CopyTo(bytes, 0);
        bytes[^1] = NewLine;
        using (var stream = new FileStream(_logPath, FileMode.Open, FileAccess.Write, FileShare.None))
        {
            if (_tornTail || stream.Length != _validLength)
            {
                stream.SetLength(_validLength);
            }

            stream.Seek(_validLength, SeekOrigin.Begin);
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        _validLength += bytes.Length;
        _tornTail = false;
        Apply(entry, rollForward: true);
    }

    /// <summary>The next entry's number.</summary>
    public long NextEntry => Entries + 1;

    /// <summary>Replaces the head file with <see cref="Head"/> as of the current entry.</summary>
    public void WriteHead() =>
        JsonFiles.ReplaceAtomically(_headPath, JsonRecords.Serialize(new JsonHeadFile { Generation = Generation, Entries = Entries, Head = Head }));

    /// <summary>Deletes the session: the log first (the session is gone once it is), then the head file.</summary>
    public void Delete()
    {
        File.Delete(_logPath);
        File.Delete(_headPath);
    }

    /// <summary>The history messages of the last <paramref name="turns"/> turns (every turn when null), in sequence order.</summary>
    public IEnumerable<MessageRow> History(int? turns)
    {
        var history = Messages.Where(m => m.InHistory).ToList();
        if (turns is { } n)
        {
            var kept = history.Select(m => m.Turn).Distinct().Order().TakeLast(n).ToHashSet();
            history = history.Where(m => kept.Contains(m.Turn)).ToList();
        }

        return history.OrderBy(m => m.Sequence).Select(Read);
    }

    /// <summary>A run with its messages.</summary>
    public RunRecord ReadRun(JsonLogRun run)
    {
        var copy = SessionRows.Copy(run.Run, withMessages: false);
        copy.Messages = Messages.Where(m => m.RunId == run.Run.RunId).OrderBy(m => m.Sequence).Select(m => Read(m).Message).ToList();
        return copy;
    }

    /// <summary>The whole session: head, history messages and runs (by sequence) with their messages.</summary>
    public AgentSession ReadWhole()
    {
        var session = SessionRows.CopyHead(Head);
        session.Messages = History(null).Select(r => r.Message).ToList();
        session.Runs = Runs.Values.OrderBy(r => r.Run.Sequence).Select(ReadRun).ToList();
        return session;
    }

    private MessageRow Read(JsonLogMessage m) =>
        new(m.Sequence, m.Turn, m.RunId, m.InHistory, StorageJson.DeserializeMessage(m.Message.GetRawText(), Head.SessionId, m.Sequence));

    private static JsonSession Parse(string directory, string logPath, byte[] bytes)
    {
        var end = Array.IndexOf(bytes, NewLine);
        if (end < 0)
        {
            throw Corrupt(logPath, 1, null);
        }

        JsonLogHeader header;
        try
        {
            header = JsonRecords.Deserialize<JsonLogHeader>(bytes.AsSpan(0, end), logPath);
        }
        catch (JsonException ex)
        {
            throw Corrupt(logPath, 1, ex);
        }

        var (head, headEntries) = ReadHeadFile(JsonFiles.SessionHead(directory, header.Head.SessionId), header);
        var session = new JsonSession(directory, head, header.Generation) { _validLength = end + 1 };
        var line = 1;
        for (var start = end + 1; start < bytes.Length; start = end + 1)
        {
            line++;
            end = Array.IndexOf(bytes, NewLine, start);
            if (end < 0)
            {
                session._tornTail = true; // a save cut off by a crash before its newline
                break;
            }

            JsonLogEntry entry;
            try
            {
                entry = JsonRecords.Deserialize<JsonLogEntry>(bytes.AsSpan(start, end - start), logPath);
            }
            catch (JsonException ex)
            {
                if (end == bytes.Length - 1)
                {
                    session._tornTail = true; // the last line, garbled by a crash
                    break;
                }

                throw Corrupt(logPath, line, ex);
            }

            if (entry.Number != session.Entries + 1)
            {
                throw Corrupt(logPath, line, null);
            }

            session.Apply(entry, rollForward: entry.Number > headEntries);
            session._validLength = end + 1;
        }

        return session;
    }

    /// <summary>The head file's head when it belongs to this log generation; else (a crash while the session was written whole)
    /// the head the log was created with, completed from every entry.</summary>
    private static (AgentSession Head, long Entries) ReadHeadFile(string headPath, JsonLogHeader header)
    {
        var bytes = JsonFiles.ReadIfExists(headPath);
        if (bytes is not null)
        {
            var file = JsonRecords.Deserialize<JsonHeadFile>(bytes, headPath);
            if (file.Generation == header.Generation && file.Head.SessionId == header.Head.SessionId)
            {
                return (file.Head, file.Entries);
            }
        }

        return (header.Head, 0);
    }

    private void Apply(JsonLogEntry entry, bool rollForward)
    {
        Entries = entry.Number;
        RunCount = entry.RunCount;
        MessageCount = entry.MessageCount;
        Messages.AddRange(entry.Messages);
        foreach (var run in entry.Runs)
        {
            Runs[run.Run.RunId] = run;
        }

        if (rollForward)
        {
            Head.Usage = entry.Usage;
            Head.AgentData = entry.AgentData;
            Head.UpdatedAt = entry.UpdatedAt;
        }
    }

    private static StorageException Corrupt(string logPath, int line, Exception? inner) =>
        new($"The session log '{logPath}' is unreadable at line {line} (only a torn last line is skipped).", inner);
}
