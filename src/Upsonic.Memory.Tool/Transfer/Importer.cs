using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Upsonic.Memory.Tool.Locations;
using Upsonic.Memory.Tool.Output;
using Upsonic.Storage;

namespace Upsonic.Memory.Tool.Transfer;

/// <summary>
/// Reads an export file line by line and writes it into a store through the import API of <see cref="IStorage"/>
/// (<c>Import*Async</c>), which writes every record with its original keys, sequences and timestamps, inserting or replacing by
/// key: importing a file twice changes nothing, and an interrupted import is finished by running it again. Rows are written in
/// batches of at most the page size, so memory stays bounded whatever the file's size.
/// </summary>
internal sealed class Importer(StorePager target, int batchSize, bool verify)
{
    private readonly List<SessionRunRow> _runs = [];
    private readonly List<SessionMessageRow> _messages = [];
    private readonly List<UserMemory> _memories = [];
    private readonly List<KnowledgeRow> _knowledge = [];
    private readonly List<string> _problems = [];
    private SessionChecksum? _checksum;
    private string? _sessionId;
    private long _line;

    /// <summary>What did not verify (empty when everything did).</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>Imports every line of <paramref name="input"/>.</summary>
    public async Task<TransferTotals> ImportAsync(TextReader input, TransferProgress progress, CancellationToken cancellationToken)
    {
        var totals = new TransferTotals();
        var sawFooter = false;
        while (await input.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } text)
        {
            _line++;
            if (text.Length == 0)
            {
                continue;
            }

            if (sawFooter)
            {
                throw Bad("a line follows the footer");
            }

            try
            {
                sawFooter = await ImportLineAsync(text, totals, progress, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is FormatException or InvalidOperationException or JsonException or ArgumentException
                || (ex is StorageException { IsCorruptData: true }))
            {
                throw Bad(StorageOpener.FirstLine(ex.Message));
            }
        }

        await FlushOthersAsync(cancellationToken).ConfigureAwait(false);
        if (_line == 0)
        {
            throw new ToolException("import: the file is empty");
        }

        if (!sawFooter)
        {
            throw new ToolException($"import: the file ends without a footer line (cut off?) after line {_line}; what was read was imported: {totals}");
        }

        return totals;
    }

    /// <summary>Imports one line; returns whether it was the footer.</summary>
    private async Task<bool> ImportLineAsync(string text, TransferTotals totals, TransferProgress progress, CancellationToken cancellationToken)
    {
        var line = Parse(text);
        var kind = line["kind"] is JsonValue k && k.TryGetValue<string>(out var s) ? s : throw Bad("the line has no \"kind\"");
        if (_line == 1 && kind != ExportFormat.Header)
        {
            throw Bad("the file does not start with an upsonic-memory-export header line");
        }

        if (_sessionId is not null && kind is not (ExportFormat.Run or ExportFormat.Message or ExportFormat.SessionEnd))
        {
            throw Bad($"session '{_sessionId}' has no session_end line");
        }

        switch (kind)
        {
            case ExportFormat.Header:
                CheckHeader(line);
                break;
            case ExportFormat.Session:
                var head = RecordJson.ReadHead(Object(line, "session"));
                _sessionId = head.SessionId;
                _checksum = new SessionChecksum();
                _checksum.Add(text, kind);
                await target.Storage.ImportSessionHeadAsync(head, cancellationToken).ConfigureAwait(false);
                break;
            case ExportFormat.Run:
                InSession(line).Add(text, kind);
                _runs.Add(new SessionRunRow(RecordJson.ReadRun(Object(line, "run"), _sessionId!), (int)Long(line, "message_count")));
                if (_runs.Count >= batchSize)
                {
                    await FlushRowsAsync(progress, cancellationToken).ConfigureAwait(false);
                }

                break;
            case ExportFormat.Message:
                InSession(line).Add(text, kind);
                var sequence = Long(line, "sequence");
                _messages.Add(new SessionMessageRow(sequence, Long(line, "turn"), line["run_id"]?.GetValue<string>(),
                    line["in_history"]?.GetValue<bool>() ?? false, RecordJson.ReadMessage(line["message"], _sessionId!, sequence)));
                if (_messages.Count >= batchSize)
                {
                    await FlushRowsAsync(progress, cancellationToken).ConfigureAwait(false);
                }

                break;
            case ExportFormat.SessionEnd:
                await EndSessionAsync(line, totals, progress, cancellationToken).ConfigureAwait(false);
                break;
            case ExportFormat.UserMemory:
                _memories.Add(RecordJson.ReadUserMemory(Object(line, "user_memory")));
                totals.UserMemories++;
                if (_memories.Count >= batchSize)
                {
                    await FlushOthersAsync(cancellationToken).ConfigureAwait(false);
                }

                break;
            case ExportFormat.Knowledge:
                _knowledge.Add(RecordJson.ReadKnowledge(Object(line, "knowledge")));
                totals.Knowledge++;
                if (_knowledge.Count >= batchSize)
                {
                    await FlushOthersAsync(cancellationToken).ConfigureAwait(false);
                }

                break;
            case ExportFormat.Footer:
                await FlushOthersAsync(cancellationToken).ConfigureAwait(false);
                CheckFooter(line, totals);
                return true;
            default:
                throw Bad($"unknown line kind '{kind}' (format version {ExportFormat.Version})");
        }

        return false;
    }

    private async Task EndSessionAsync(JsonObject line, TransferTotals totals, TransferProgress progress, CancellationToken cancellationToken)
    {
        var sessionId = InSessionId(line);
        await FlushRowsAsync(progress, cancellationToken).ConfigureAwait(false);
        var digest = _checksum!.Finish();
        _checksum.Dispose();
        _checksum = null;
        _sessionId = null;
        var expected = new SessionDigest(Long(line, "runs"), Long(line, "messages"), line["checksum"]?.GetValue<string>() ?? "");
        if (digest != expected)
        {
            throw Bad($"session '{sessionId}': its lines do not match its session_end line ({digest.Runs} runs, {digest.Messages} messages, {digest.Checksum} read; "
                + $"{expected.Runs}, {expected.Messages}, {expected.Checksum} written): the file was changed or damaged");
        }

        if (verify && await SessionVerifier.CompareAsync(target, sessionId, digest, cancellationToken).ConfigureAwait(false) is { } problem)
        {
            _problems.Add(problem);
            ToolConsole.Status("verify: " + problem);
        }

        totals.Sessions++;
        totals.Runs += digest.Runs;
        totals.Messages += digest.Messages;
        progress.SessionDone();
    }

    private async Task FlushRowsAsync(TransferProgress progress, CancellationToken cancellationToken)
    {
        if (_runs.Count > 0)
        {
            if (!await target.Storage.ImportSessionRunsAsync(_sessionId!, _runs, cancellationToken).ConfigureAwait(false))
            {
                throw Bad($"session '{_sessionId}' vanished from the target while it was imported");
            }

            progress.AddRows(_runs.Count);
            _runs.Clear();
        }

        if (_messages.Count > 0)
        {
            if (!await target.Storage.ImportSessionMessagesAsync(_sessionId!, _messages, cancellationToken).ConfigureAwait(false))
            {
                throw Bad($"session '{_sessionId}' vanished from the target while it was imported");
            }

            progress.AddRows(_messages.Count);
            _messages.Clear();
        }
    }

    private async Task FlushOthersAsync(CancellationToken cancellationToken)
    {
        if (_memories.Count > 0)
        {
            await target.Storage.ImportUserMemoriesAsync(_memories, cancellationToken).ConfigureAwait(false);
            _memories.Clear();
        }

        if (_knowledge.Count > 0)
        {
            await target.Storage.ImportKnowledgeContentsAsync(_knowledge, cancellationToken).ConfigureAwait(false);
            _knowledge.Clear();
        }
    }

    private void CheckHeader(JsonObject line)
    {
        if (line["format"]?.GetValue<string>() != ExportFormat.Name)
        {
            throw Bad($"not an {ExportFormat.Name} file");
        }

        var version = Long(line, "version");
        if (version is < 1 or > ExportFormat.Version)
        {
            throw Bad($"format version {version} is not supported (this tool reads version 1 to {ExportFormat.Version}; upgrade the tool)");
        }
    }

    private void CheckFooter(JsonObject line, TransferTotals totals)
    {
        if (Long(line, "sessions") != totals.Sessions || Long(line, "runs") != totals.Runs || Long(line, "messages") != totals.Messages
            || Long(line, "user_memories") != totals.UserMemories || Long(line, "knowledge") != totals.Knowledge)
        {
            throw Bad($"the footer's totals do not match the lines read ({totals})");
        }
    }

    private SessionChecksum InSession(JsonObject line)
    {
        InSessionId(line);
        return _checksum!;
    }

    private string InSessionId(JsonObject line)
    {
        var sessionId = line["session_id"]?.GetValue<string>();
        if (_sessionId is null || sessionId != _sessionId)
        {
            throw Bad(_sessionId is null ? "a session row outside a session" : $"a row of session '{sessionId}' inside session '{_sessionId}'");
        }

        return sessionId;
    }

    private JsonObject Parse(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw Bad("the line is not a JSON object");
        }
        catch (JsonException ex)
        {
            throw Bad("the line is not valid JSON: " + ex.Message);
        }
    }

    private JsonObject Object(JsonObject line, string name) => line[name] as JsonObject ?? throw Bad($"the line has no \"{name}\" object");

    private long Long(JsonObject line, string name) =>
        line[name] is JsonValue value && value.TryGetValue<long>(out var n) ? n : throw Bad($"the line has no number \"{name}\"");

    private ToolException Bad(string message) => new($"import: line {_line.ToString(CultureInfo.InvariantCulture)}: {message}");
}
