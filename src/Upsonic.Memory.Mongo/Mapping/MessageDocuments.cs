using MongoDB.Bson;

namespace Upsonic.Storage.Mongo;

/// <summary>
/// One document per stored message, keyed by (<c>session_id</c>, <c>seq</c>): the turn it belongs to, the run that wrote it
/// (with its position <c>index</c> in that run), whether it is part of the history, and the message itself.
/// </summary>
/// <remarks>
/// The message is stored as the JSON text <see cref="StorageJson"/> produces, not as BSON: the Microsoft.Extensions.AI contract
/// writes <c>$type</c> discriminators (a reserved field-name prefix in MongoDB), and the text keeps every content kind
/// (binary data as base64, numbers, unknown content) byte-for-byte. <c>run_id</c> and <c>index</c> are left out for history rows
/// that no run wrote, so the partial unique index on (session_id, run_id, index) only covers run messages.
/// </remarks>
internal static class MessageDocuments
{
    public const string SessionId = "session_id";
    public const string Sequence = "seq";
    public const string Turn = "turn";
    public const string RunId = "run_id";
    public const string Index = "index";
    public const string InHistory = "in_history";
    public const string Message = "message";

    /// <summary>The document that stores <paramref name="row"/>; <paramref name="index"/> is its position in its run.</summary>
    public static BsonDocument Write(string sessionId, MessageRow row, int? index) =>
        Write(sessionId, row.Sequence, row.Turn, row.RunId, index, row.InHistory, StorageJson.SerializeMessage(row.Message));

    /// <summary>The document that stores an already serialized message.</summary>
    public static BsonDocument Write(string sessionId, long sequence, long turn, string? runId, int? index, bool inHistory, string json)
    {
        var document = new BsonDocument
        {
            { SessionId, sessionId },
            { Sequence, sequence },
            { Turn, turn },
        };
        if (runId is not null)
        {
            document.Add(RunId, runId);
            document.Add(Index, index ?? 0);
        }

        document.Add(InHistory, inHistory);
        document.Add(Message, json);
        return document;
    }

    /// <summary>The row stored in <paramref name="document"/>; an unreadable message fails with a <see cref="StorageException"/> naming it.</summary>
    public static MessageRow Read(BsonDocument document)
    {
        var sessionId = BsonFields.GetString(document, SessionId) ?? string.Empty;
        var sequence = BsonFields.GetLong(document, Sequence);
        if (!document.TryGetValue(Message, out var message) || !message.IsString)
        {
            throw StorageJson.CorruptMessage(sessionId, sequence, new FormatException("The stored message is not JSON text."));
        }

        return new MessageRow(
            sequence,
            BsonFields.GetLong(document, Turn),
            BsonFields.GetString(document, RunId),
            BsonFields.GetBool(document, InHistory),
            StorageJson.DeserializeMessage(message.AsString, sessionId, sequence));
    }
}
