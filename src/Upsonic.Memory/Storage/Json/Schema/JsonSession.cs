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
    private readonly AgentSession _createdHead;
    private byte[] _header = [];
    private long _validLength;
    private int _lines;
    private bool _tornTail;
    private JsonLogEntry? _last;

    private JsonSession(string directory, AgentSession createdHead, string generation)
    {
        _createdHead = createdHead;
        Head = SessionRows.CopyHead(createdHead);
        Generation = generation;
        _logPath = JsonFiles.SessionLog(directory, createdHead.SessionId);
        _headPath = JsonFiles.SessionHead(directory, createdHead.SessionId);
    }

    /// <summary>The head: summary, metadata, usage, agent data, timestamps (no messages or runs).</summary>
    public AgentSession Head { get; private set; }

    public string Generation { get; }

    /// <summary>The history epoch (<see cref="SessionWindowMark.Epoch"/>): a stable hash of <see cref="Generation"/>, which a whole rewrite renews.</summary>
    public long Epoch
    {
        get
        {
            // FNV-1a, 64-bit: stable across processes (string.GetHashCode is not), kept positive.
            var hash = 14695981039346656037UL;
            foreach (var c in Generation)
            {
                hash = (hash ^ c) * 1099511628211UL;
            }

            return (long)(hash & long.MaxValue);
        }
    }

    /// <summary>How many entries the log holds.</summary>
    public long Entries { get; private set; }

    public long RunCount { get; private set; }

    public long MessageCount { get; private set; }

    public List<JsonLogMessage> Messages { get; } = [];

    /// <summary>The latest save of each run, by run id.</summary>
    public Dictionary<string, JsonLogRun> Runs { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Reads a session, or returns null when it has no log. <paramref name="known"/> (an earlier read of the same session) is
    /// brought up to date instead when its log is still the same file: only the lines appended since are read.
    /// </summary>
    public static JsonSession? Load(string directory, string sessionId, JsonSession? known = null) =>
        LoadLog(directory, JsonFiles.SessionLog(directory, sessionId), known);

    /// <summary>Reads the session whose log is <paramref name="logPath"/>, or null when it does not exist.</summary>
    public static JsonSession? LoadLog(string directory, string logPath, JsonSession? known = null)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        using (stream)
        {
            if (known is not null && known._logPath == logPath && known.SameLog(stream))
            {
                known.ReadLines(ReadFrom(stream, known._validLength), known._validLength);
                known.ResolveHead();
                return known;
            }

            var session = ParseHeader(directory, logPath, ReadFrom(stream, 0), out var rest, out var offset);
            session.ReadLines(rest, offset);
            session.ResolveHead();
            return session;
        }
    }

    /// <summary>Writes a new session (or replaces one whole): the log with its header and first entry, then the head file.</summary>
    public static JsonSession Create(string directory, AgentSession head, JsonLogEntry first)
    {
        var session = new JsonSession(directory, head, Guid.NewGuid().ToString("N"));
        using var log = new MemoryStream();
        log.Write(JsonRecords.Serialize(new JsonLogHeader { Generation = session.Generation, Head = head }));
        log.WriteByte(NewLine);
        session._header = log.ToArray();
        log.Write(JsonRecords.Serialize(first));
        log.WriteByte(NewLine);
        JsonFiles.ReplaceAtomically(session._logPath, log.ToArray());
        session._validLength = log.Length;
        session._lines = 2;
        session.Apply(first);
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
        _lines++;
        _tornTail = false;
        Apply(entry);
        RollForward(entry);
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

    /// <summary>
    /// The turns a window read returns (oldest first): the newest whole history turns within <paramref name="maxTurns"/> and
    /// <paramref name="tokenBudget"/>, or with <paramref name="since"/> only the history messages stored after that sequence,
    /// limited the same way. Only the returned messages are parsed.
    /// </summary>
    public IReadOnlyList<HistoryTurn> Window(long? since, int? maxTurns, int? tokenBudget)
    {
        var history = new SortedList<long, List<JsonLogMessage>>();
        for (var i = Messages.Count - 1; i >= 0; i--)
        {
            var message = Messages[i];
            if (since is { } after && message.Sequence <= after)
            {
                break;
            }

            if (!message.InHistory)
            {
                continue;
            }

            if (!history.TryGetValue(message.Turn, out var turn))
            {
                history.Add(message.Turn, turn = []);
            }

            turn.Insert(0, message);
        }

        var candidates = history
            .Select(p => new HistoryTurn(p.Key, p.Value.Select(m => m.RunId).FirstOrDefault(id => id is not null), [])
            {
                TokenCount = p.Value.Sum(m => (long)m.TokenCount),
            })
            .ToList();
        return WindowSelection.Newest(candidates, maxTurns, tokenBudget)
            .Select(t => t with { Messages = history[t.Turn].Select(m => Read(m).Message).ToList() })
            .ToList();
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

    /// <summary>Whether the open log is the file this session was read from (same header line, not shorter): a session written
    /// whole since is a new file with a new generation in its header.</summary>
    private bool SameLog(FileStream stream)
    {
        if (stream.Length < _validLength)
        {
            return false;
        }

        var header = new byte[_header.Length];
        stream.Position = 0;
        stream.ReadExactly(header);
        return header.AsSpan().SequenceEqual(_header);
    }

    private static byte[] ReadFrom(FileStream stream, long offset)
    {
        stream.Position = offset;
        var bytes = new byte[stream.Length - offset];
        stream.ReadExactly(bytes);
        return bytes;
    }

    private static JsonSession ParseHeader(string directory, string logPath, byte[] bytes, out byte[] rest, out long offset)
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

        var session = new JsonSession(directory, header.Head, header.Generation)
        {
            _header = bytes[..(end + 1)],
            _validLength = end + 1,
            _lines = 1,
        };
        rest = bytes[(end + 1)..];
        offset = end + 1;
        return session;
    }

    /// <summary>Applies the complete lines of <paramref name="bytes"/> (the log from <paramref name="offset"/> on); a torn last line is noted, not applied.</summary>
    private void ReadLines(byte[] bytes, long offset)
    {
        _tornTail = false;
        for (int start = 0, end; start < bytes.Length; start = end + 1)
        {
            end = Array.IndexOf(bytes, NewLine, start);
            if (end < 0)
            {
                _tornTail = true; // a save cut off by a crash before its newline
                return;
            }

            JsonLogEntry entry;
            try
            {
                entry = JsonRecords.Deserialize<JsonLogEntry>(bytes.AsSpan(start, end - start), _logPath);
            }
            catch (JsonException ex)
            {
                if (end == bytes.Length - 1)
                {
                    _tornTail = true; // the last line, garbled by a crash
                    return;
                }

                throw Corrupt(_logPath, _lines + 1, ex);
            }

            if (entry.Number != Entries + 1)
            {
                throw Corrupt(_logPath, _lines + 1, null);
            }

            Apply(entry);
            _lines++;
            _validLength = offset + end + 1;
        }
    }

    /// <summary>
    /// Sets <see cref="Head"/>: the head file's when it belongs to this log generation, else (a crash while the session was
    /// written whole) the head the log was created with; then the counters, usage and agent data of the last entry when the head
    /// file was written before it.
    /// </summary>
    private void ResolveHead()
    {
        var bytes = JsonFiles.ReadIfExists(_headPath);
        var file = bytes is null ? null : JsonRecords.Deserialize<JsonHeadFile>(bytes, _headPath);
        var current = file is not null && file.Generation == Generation && file.Head.SessionId == _createdHead.SessionId;
        Head = current ? file!.Head : SessionRows.CopyHead(_createdHead);
        if (_last is not null && Entries > (current ? file!.Entries : 0))
        {
            RollForward(_last);
        }
    }

    private void Apply(JsonLogEntry entry)
    {
        Entries = entry.Number;
        RunCount = entry.RunCount;
        MessageCount = entry.MessageCount;
        Messages.AddRange(entry.Messages);
        foreach (var run in entry.Runs)
        {
            Runs[run.Run.RunId] = run;
        }

        _last = entry;
    }

    private void RollForward(JsonLogEntry entry)
    {
        Head.Usage = UsageMath.Copy(entry.Usage);
        Head.AgentData = StorageJson.Clone(entry.AgentData);
        Head.UpdatedAt = entry.UpdatedAt;
    }

    private static StorageException Corrupt(string logPath, int line, Exception? inner) =>
        new($"The session log '{logPath}' is unreadable at line {line} (only a torn last line is skipped).", inner);
}
