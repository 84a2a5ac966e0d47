using MongoDB.Bson;

namespace Upsonic.Storage.Mongo;

/// <summary>
/// The record API's whole-session layout in documents: <c>SessionRows.Flatten</c> rows to message and run documents, and head,
/// message and run documents back to a whole <see cref="AgentSession"/>.
/// </summary>
internal static class SessionLayoutDocuments
{
    /// <summary>The message documents of a flattened session; run messages carry their position in their run.</summary>
    public static List<BsonDocument> Messages(string sessionId, SessionRows.Layout layout)
    {
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        var documents = new List<BsonDocument>(layout.Messages.Count);
        foreach (var row in layout.Messages)
        {
            int? index = null;
            if (row.RunId is not null)
            {
                index = positions.GetValueOrDefault(row.RunId);
                positions[row.RunId] = index.Value + 1;
            }

            documents.Add(MessageDocuments.Write(sessionId, row, index));
        }

        return documents;
    }

    /// <summary>The run documents of a flattened session (timestamps as given; the stored count is the run's message count).</summary>
    public static List<BsonDocument> Runs(string sessionId, SessionRows.Layout layout) =>
        layout.Runs.Select(run => RunDocuments.Write(sessionId, run, run.Messages.Count)).ToList();

    /// <summary>
    /// The whole session of <paramref name="head"/>: Messages = its history rows by sequence; Runs = its runs by sequence, each with
    /// the messages it wrote, by sequence. <paramref name="messages"/> and <paramref name="runs"/> may hold other sessions' documents.
    /// A run with fewer (or more) messages than its document stored fails the read (<see cref="SessionRows.CheckMessageCounts"/>).
    /// </summary>
    public static AgentSession Whole(BsonDocument head, IEnumerable<BsonDocument> messages, IEnumerable<BsonDocument> runs)
    {
        var session = SessionDocuments.Read(head);
        var rows = messages
            .Where(m => BsonFields.GetString(m, MessageDocuments.SessionId) == session.SessionId)
            .Select(MessageDocuments.Read)
            .OrderBy(r => r.Sequence)
            .ToList();
        session.Messages = rows.Where(r => r.InHistory).Select(r => r.Message).ToList();
        var byRun = rows.Where(r => r.RunId is not null).ToLookup(r => r.RunId!, StringComparer.Ordinal);
        var read = runs
            .Where(r => BsonFields.GetString(r, RunDocuments.SessionId) == session.SessionId)
            .Select(document =>
            {
                var run = RunDocuments.Read(document);
                run.Messages = byRun[run.RunId].Select(r => r.Message).ToList();
                return (Run: run, StoredCount: (long)RunDocuments.StoredMessageCount(document));
            })
            .OrderBy(r => r.Run.Sequence)
            .ToList();
        SessionRows.CheckMessageCounts(session.SessionId, read);
        session.Runs = read.Select(r => r.Run).ToList();
        return session;
    }
}
