using MongoDB.Bson;
using MongoDB.Driver;
using M = Upsonic.Storage.Mongo.MessageDocuments;

namespace Upsonic.Storage.Mongo;

/// <summary>Filters and sorts on messages. Every one starts with <c>session_id</c>, so it runs on an index prefix.</summary>
internal static class MessageDefinitions
{
    /// <summary>How many messages per requested turn the first window read fetches; the read doubles when a turn holds more.</summary>
    public const int MessagesPerTurnGuess = 16;

    private static FilterDefinitionBuilder<BsonDocument> Filter => Builders<BsonDocument>.Filter;

    /// <summary>Every message of a session.</summary>
    public static FilterDefinition<BsonDocument> OfSession(string sessionId) => Filter.Eq(M.SessionId, sessionId);

    /// <summary>Every message of several sessions (a listing page).</summary>
    public static FilterDefinition<BsonDocument> OfSessions(IEnumerable<string> sessionIds) => Filter.In(M.SessionId, sessionIds);

    /// <summary>The history messages of a session (index session_history_turn).</summary>
    public static FilterDefinition<BsonDocument> History(string sessionId) =>
        Filter.And(Filter.Eq(M.SessionId, sessionId), Filter.Eq(M.InHistory, true));

    /// <summary>The messages written by some runs of a session (index session_run_index).</summary>
    public static FilterDefinition<BsonDocument> OfRuns(string sessionId, IEnumerable<string> runIds) =>
        Filter.And(Filter.Eq(M.SessionId, sessionId), Filter.In(M.RunId, runIds));

    /// <summary>The messages of each session numbered up to its given sequence.</summary>
    public static FilterDefinition<BsonDocument> UpTo(IEnumerable<(string SessionId, long Sequence)> sessions) =>
        Filter.Or(sessions.Select(s => Filter.And(Filter.Eq(M.SessionId, s.SessionId), Filter.Lte(M.Sequence, s.Sequence))));

    /// <summary>The messages of each session numbered up to its given sequence, except those of the given runs of that session.</summary>
    public static FilterDefinition<BsonDocument> UpToExcept(IEnumerable<(string SessionId, long Sequence)> sessions, ILookup<string, string> keptRuns) =>
        Filter.Or(sessions.Select(s => keptRuns[s.SessionId].Any()
            ? Filter.And(Filter.Eq(M.SessionId, s.SessionId), Filter.Lte(M.Sequence, s.Sequence), Filter.Nin(M.RunId, keptRuns[s.SessionId]))
            : Filter.And(Filter.Eq(M.SessionId, s.SessionId), Filter.Lte(M.Sequence, s.Sequence))));

    /// <summary>One message by its key (used by tests to corrupt a row).</summary>
    public static FilterDefinition<BsonDocument> ByKey(string sessionId, long sequence) =>
        Filter.And(Filter.Eq(M.SessionId, sessionId), Filter.Eq(M.Sequence, sequence));

    /// <summary>Storage order.</summary>
    public static SortDefinition<BsonDocument> BySequence() => Builders<BsonDocument>.Sort.Ascending(M.Sequence);

    /// <summary>Newest turn first (the reverse of the session_history_turn index order, so no in-memory sort).</summary>
    public static SortDefinition<BsonDocument> NewestTurnFirst() =>
        Builders<BsonDocument>.Sort.Combine(Builders<BsonDocument>.Sort.Descending(M.Turn), Builders<BsonDocument>.Sort.Descending(M.Sequence));

    /// <summary>How many messages the window read number <paramref name="attempt"/> (0-based) fetches for <paramref name="turns"/> turns.</summary>
    public static int WindowLimit(int turns, int attempt)
    {
        var limit = (long)Math.Max(turns, 1) * MessagesPerTurnGuess << Math.Min(attempt, 20);
        return (int)Math.Min(limit, int.MaxValue / 2);
    }

    /// <summary>
    /// The messages of the newest <paramref name="turns"/> turns among <paramref name="newestFirst"/> (sorted newest turn first),
    /// or null when the fetched rows may have cut the oldest of those turns short (all <paramref name="limit"/> rows came back and
    /// no older turn was seen), in which case the caller fetches again with a larger limit.
    /// </summary>
    public static List<MessageRow>? TakeTurns(IReadOnlyList<MessageRow> newestFirst, int turns, int limit)
    {
        var kept = new List<MessageRow>();
        var seen = 0;
        long? current = null;
        foreach (var row in newestFirst)
        {
            if (row.Turn != current)
            {
                current = row.Turn;
                seen++;
                if (seen > turns)
                {
                    return kept;
                }
            }

            kept.Add(row);
        }

        return newestFirst.Count < limit ? kept : null;
    }
}
