using System.Text.Json;

namespace Upsonic.Storage;

/// <summary>
/// One session of a <see cref="JsonStorage"/>, read from its files: the head (the head file, rolled forward by the log entries
/// written after it), the messages and the runs, or (read without rows) only the head, the counters and which sequences and
/// run ids are stored. Writes go to the files at once; callers hold the directory's lock.
/// </summary>
/// <remarks>
/// The log is the truth: the session exists when its log does, and every entry carries the counters, usage and agent data after
/// it, so a head file older than the log (a crash between the two writes) is completed from the entries. A last line that does
/// not end the file with a newline, or does not parse, is a save torn by a crash: it is ignored, and cut off by the next append.
/// A message sequence or run id written again by a later entry (an import of rows already there) is that entry's: the last
/// write wins. The log is read line by line, never whole.
/// </remarks>
internal sealed class JsonSession
{
    private const byte NewLine = (byte)'\n';

    private readonly string _logPath;
    private readonly string _headPath;
    private readonly AgentSession _createdHead;
    private readonly bool _keepRows;
    private readonly Dictionary<long, int> _messageIndex = [];
    private readonly Dictionary<long, bool> _sequences = [];
    private readonly HashSet<string> _runIds = new(StringComparer.Ordinal);
    private readonly List<JsonLogIndexEntry> _index = [];
    private byte[] _header = [];
    private long _validLength;
    private int _lines;
    private bool _tornTail;
    private JsonLogEntry? _last;
    private long _historyRewrittenAt;

    private JsonSession(string directory, AgentSession createdHead, string generation, bool keepRows)
    {
        _keepRows = keepRows;
        _createdHead = createdHead;
        Head = SessionRows.CopyHead(createdHead);
        Generation = generation;
        _logPath = JsonFiles.SessionLog(directory, createdHead.SessionId);
        _headPath = JsonFiles.SessionHead(directory, createdHead.SessionId);
    }

    /// <summary>The head: summary, metadata, usage, agent data, timestamps (no messages or runs).</summary>
    public AgentSession Head { get; private set; }

    public string Generation { get; }

    /// <summary>
    /// The history epoch (<see cref="SessionWindowMark.Epoch"/>): a stable hash of <see cref="Generation"/>, which a whole rewrite
    /// renews, and of the last entry that wrote a message at a sequence already counted (an import replacing or filling stored
    /// history), so a window held from before either is read again whole.
    /// </summary>
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

            if (_historyRewrittenAt > 0)
            {
                for (var rest = (ulong)_historyRewrittenAt; rest > 0; rest >>= 8)
                {
                    hash = (hash ^ (rest & 0xFF)) * 1099511628211UL;
                }
            }

            return (long)(hash & long.MaxValue);
        }
    }

    /// <summary>How many entries the log holds.</summary>
    public long Entries { get; private set; }

    public long RunCount { get; private set; }

    public long MessageCount { get; private set; }

    /// <summary>The messages, one per sequence (empty when read without rows).</summary>
    public List<JsonLogMessage> Messages { get; } = [];

    /// <summary>The latest save of each run, by run id (empty when read without rows).</summary>
    public Dictionary<string, JsonLogRun> Runs { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Reads a session, or returns null when it has no log. <paramref name="known"/> (an earlier read of the same session) is
    /// brought up to date instead when its log is still the same file: only the lines appended since are read. Without
    /// <paramref name="rows"/> the messages and runs are not kept (only their sequences and ids).
    /// </summary>
    public static JsonSession? Load(string directory, string sessionId, JsonSession? known = null, bool rows = true) =>
        LoadLog(directory, JsonFiles.SessionLog(directory, sessionId), known, rows);

    /// <summary>Reads the session whose log is <paramref name="logPath"/>, or null when it does not exist.</summary>
    public static JsonSession? LoadLog(string directory, string logPath, JsonSession? known = null, bool rows = true)
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
            if (known is not null && known._logPath == logPath && known._keepRows == rows && known.SameLog(stream))
            {
                known.ReadLines(JsonLogLines.Read(stream, known._validLength));
                known.ResolveHead();
                return known;
            }

            var session = ParseHeader(directory, logPath, stream, rows);
            session.ReadLines(JsonLogLines.Read(stream, session._validLength));
            session.ResolveHead();
            return session;
        }
    }

    /// <summary>Writes a new session (or replaces one whole): the log with its header and first entry, then the head file.</summary>
    public static JsonSession Create(string directory, AgentSession head, JsonLogEntry first)
    {
        var session = new JsonSession(directory, head, Guid.NewGuid().ToString("N"), keepRows: true);
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

        if (!_keepRows)
        {
            _index.Add(JsonLogIndexEntry.Of(_validLength, line.Length, entry));
        }

        _validLength += bytes.Length;
        _lines++;
        _tornTail = false;
        Apply(entry);
        RollForward(entry);
    }

    /// <summary>The next entry's number.</summary>
    public long NextEntry => Entries + 1;

    /// <summary>Sets <see cref="Head"/> (written by the next <see cref="WriteHead"/>).</summary>
    public void ReplaceHead(AgentSession head) => Head = SessionRows.CopyHead(head);

    /// <summary>Whether a message of sequence <paramref name="sequence"/> is stored.</summary>
    public bool HasMessage(long sequence) => _keepRows ? _messageIndex.ContainsKey(sequence) : _sequences.ContainsKey(sequence);

    /// <summary>Whether a run of id <paramref name="runId"/> is stored.</summary>
    public bool HasRun(string runId) => _keepRows ? Runs.ContainsKey(runId) : _runIds.Contains(runId);

    /// <summary>How many messages, history messages and runs are stored.</summary>
    public SessionRowCounts RowCounts() => _keepRows
        ? new SessionRowCounts(Messages.Count, Messages.Count(m => m.InHistory), Runs.Count)
        : new SessionRowCounts(_sequences.Count, _sequences.Values.Count(h => h), _runIds.Count);

    /// <summary>
    /// Reads again, in log order, the entries (of a session read without rows) whose line <paramref name="mayHold"/> accepts by
    /// its index entry; the others are not parsed.
    /// </summary>
    public void VisitEntries(Func<JsonLogIndexEntry, bool> mayHold, Action<JsonLogEntry> visit)
    {
        using var stream = new FileStream(_logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var buffer = Array.Empty<byte>();
        foreach (var line in _index)
        {
            if (!mayHold(line))
            {
                continue;
            }

            if (buffer.Length < line.Length)
            {
                buffer = new byte[Math.Max(line.Length, buffer.Length * 2)];
            }

            stream.Position = line.Start;
            stream.ReadExactly(buffer, 0, line.Length);
            visit(JsonRecords.Deserialize<JsonLogEntry>(buffer.AsSpan(0, line.Length), _logPath));
        }
    }

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

    /// <summary>A run read on its own: a run with fewer (or more) messages than it stored is corrupt data, never returned short.</summary>
    public RunRecord ReadCheckedRun(JsonLogRun run)
    {
        var read = ReadRun(run);
        SessionRows.CheckMessageCount(read, run.MessageCount);
        return read;
    }

    /// <summary>The whole session: head, history messages and runs (by sequence) with their messages; a run with fewer (or more)
    /// messages than it stored fails the read (see <see cref="SessionRows.CheckMessageCounts"/>).</summary>
    public AgentSession ReadWhole()
    {
        var session = SessionRows.CopyHead(Head);
        session.Messages = History(null).Select(r => r.Message).ToList();
        var runs = Runs.Values.OrderBy(r => r.Run.Sequence).Select(r => (Run: ReadRun(r), StoredCount: (long)r.MessageCount)).ToList();
        SessionRows.CheckMessageCounts(Head.SessionId, runs);
        session.Runs = runs.Select(r => r.Run).ToList();
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

    private static JsonSession ParseHeader(string directory, string logPath, FileStream stream, bool rows)
    {
        var first = JsonLogLines.Read(stream, 0).FirstOrDefault();
        if (!first.Terminated)
        {
            throw Corrupt(logPath, ReadableHead(logPath)?.SessionId, 1, null);
        }

        JsonLogHeader header;
        try
        {
            header = JsonRecords.Deserialize<JsonLogHeader>(first.Bytes.Span, logPath);
        }
        catch (JsonException ex)
        {
            throw Corrupt(logPath, ReadableHead(logPath)?.SessionId, 1, ex);
        }

        return new JsonSession(directory, header.Head, header.Generation, rows)
        {
            _header = [.. first.Bytes.Span, NewLine],
            _validLength = first.End,
            _lines = 1,
        };
    }

    /// <summary>Applies the complete lines of <paramref name="lines"/> (the log after the lines read so far); a torn last line is noted, not applied.</summary>
    private void ReadLines(IEnumerable<JsonLogLine> lines)
    {
        _tornTail = false;
        foreach (var line in lines)
        {
            if (!line.Terminated)
            {
                _tornTail = true; // a save cut off by a crash before its newline
                return;
            }

            JsonLogEntry entry;
            try
            {
                entry = JsonRecords.Deserialize<JsonLogEntry>(line.Bytes.Span, _logPath);
            }
            catch (JsonException ex)
            {
                if (line.Last)
                {
                    _tornTail = true; // the last line, garbled by a crash
                    return;
                }

                throw Corrupt(_logPath, _createdHead.SessionId, _lines + 1, ex);
            }

            if (entry.Number != Entries + 1)
            {
                throw Corrupt(_logPath, _createdHead.SessionId, _lines + 1, null);
            }

            Apply(entry);
            if (!_keepRows)
            {
                _index.Add(JsonLogIndexEntry.Of(line.End - 1 - line.Bytes.Length, line.Bytes.Length, entry));
            }

            _lines++;
            _validLength = line.End;
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
        JsonHeadFile? file;
        try
        {
            file = bytes is null ? null : JsonRecords.Deserialize<JsonHeadFile>(bytes, _headPath);
        }
        catch (JsonException ex)
        {
            var id = _createdHead.SessionId;
            throw StorageException.CorruptData($"The head file '{_headPath}' of session '{id}' cannot be read: {ex.Message}", ex, "ReadSession", id);
        }

        var current = file is not null && file.Generation == Generation && file.Head.SessionId == _createdHead.SessionId;
        Head = current ? file!.Head : SessionRows.CopyHead(_createdHead);
        if (_last is not null && Entries > (current ? file!.Entries : 0))
        {
            RollForward(_last);
        }
    }

    private void Apply(JsonLogEntry entry)
    {
        if (entry.Messages.Count > 0 && entry.Messages.Min(m => m.Sequence) <= MessageCount)
        {
            _historyRewrittenAt = entry.Number;
        }

        Entries = entry.Number;
        RunCount = entry.RunCount;
        MessageCount = entry.MessageCount;
        foreach (var message in entry.Messages)
        {
            if (!_keepRows)
            {
                _sequences[message.Sequence] = message.InHistory;
            }
            else if (_messageIndex.TryGetValue(message.Sequence, out var at))
            {
                Messages[at] = message;
            }
            else
            {
                _messageIndex.Add(message.Sequence, Messages.Count);
                Messages.Add(message);
            }
        }

        foreach (var run in entry.Runs)
        {
            if (_keepRows)
            {
                Runs[run.Run.RunId] = run;
            }
            else
            {
                _runIds.Add(run.Run.RunId);
            }
        }

        _last = entry;
    }

    private void RollForward(JsonLogEntry entry)
    {
        Head.Usage = UsageMath.Copy(entry.Usage);
        Head.AgentData = StorageJson.Clone(entry.AgentData);
        Head.UpdatedAt = entry.UpdatedAt;
    }

    /// <summary>
    /// What can still be read of the head of a session whose log cannot be read: the head file, else the head the log was created
    /// with (its first line); null when neither can be read. Listings name, filter and order such a session by it.
    /// </summary>
    public static AgentSession? ReadableHead(string logPath)
    {
        var headPath = JsonFiles.SessionHeadOfLog(logPath);
        try
        {
            if (JsonFiles.ReadIfExists(headPath) is { } bytes)
            {
                return JsonRecords.Deserialize<JsonHeadFile>(bytes, headPath).Head;
            }
        }
        catch (JsonException)
        {
            // Try the log's first line instead.
        }

        try
        {
            using var stream = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var first = JsonLogLines.Read(stream, 0).FirstOrDefault();
            return first.Terminated ? JsonRecords.Deserialize<JsonLogHeader>(first.Bytes.Span, logPath).Head : null;
        }
        catch (Exception ex) when (ex is JsonException or FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>A log that cannot be read past a torn last line: corrupt data naming the session (its file name when even that is unreadable).</summary>
    private static StorageException Corrupt(string logPath, string? sessionId, int line, Exception? inner)
    {
        var id = sessionId ?? Path.GetFileName(logPath);
        return StorageException.CorruptData(
            $"The log of session '{id}' ('{logPath}') is unreadable at line {line} (only a torn last line is skipped).", inner, "ReadSession", id);
    }
}
