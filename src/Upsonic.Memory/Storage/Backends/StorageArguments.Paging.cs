namespace Upsonic.Storage.Backends;

// The checks of the paging (export/import) members: page sizes, cursors, and the rows an import writes.
public static partial class StorageArguments
{
    /// <summary>The largest page a paging member reads, and the most rows one import call writes.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>Checks a page size: from 1 to <see cref="MaxPageSize"/>.</summary>
    /// <returns>The page size.</returns>
    public static int PageSize(int pageSize, string parameterName)
    {
        if (pageSize is <= 0 or > MaxPageSize)
        {
            throw new ArgumentOutOfRangeException(parameterName, pageSize, $"The page size must be from 1 to {MaxPageSize}.");
        }

        return pageSize;
    }

    /// <summary>Checks a head to import: a valid session (see <see cref="Session"/>) without messages or runs.</summary>
    /// <returns>The session.</returns>
    public static AgentSession ImportedHead(AgentSession session, string parameterName)
    {
        Session(session, parameterName);
        if (session.Messages.Count > 0 || session.Runs.Count > 0)
        {
            throw new ArgumentException(
                "An imported head carries no messages or runs: write them with ImportSessionMessagesAsync and ImportSessionRunsAsync.", parameterName);
        }

        return session;
    }

    /// <summary>Checks message rows to import: at most <see cref="MaxPageSize"/>, none null, distinct positive sequences, a
    /// non-negative turn, valid run ids and storable messages.</summary>
    /// <returns>The rows.</returns>
    public static IReadOnlyList<SessionMessageRow> MessageRows(IReadOnlyList<SessionMessageRow> rows, string parameterName)
    {
        ImportCount(rows, parameterName);
        var sequences = new HashSet<long>();
        foreach (var row in rows)
        {
            if (row?.Message is null)
            {
                throw new ArgumentException("The rows and their messages must not be null.", parameterName);
            }

            if (row.Sequence <= 0 || row.Turn < 0)
            {
                throw new ArgumentException($"Message sequences are positive and turns not negative (sequence {row.Sequence}, turn {row.Turn}).", parameterName);
            }

            if (!sequences.Add(row.Sequence))
            {
                throw new ArgumentException($"Two rows have the sequence {row.Sequence}.", parameterName);
            }

            OptionalNonBlankId(row.RunId, parameterName);
        }

        Messages(rows.Select(r => r.Message), parameterName);
        return rows;
    }

    /// <summary>Checks run rows to import into <paramref name="sessionId"/>: at most <see cref="MaxPageSize"/>, none null, valid
    /// runs without messages, of this session (or none), with distinct run ids and positive distinct sequences and a non-negative message count.</summary>
    /// <returns>The rows.</returns>
    public static IReadOnlyList<SessionRunRow> RunRows(IReadOnlyList<SessionRunRow> rows, string sessionId, string parameterName)
    {
        ImportCount(rows, parameterName);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var sequences = new HashSet<long>();
        foreach (var row in rows)
        {
            if (row?.Run is null)
            {
                throw new ArgumentException("The rows and their runs must not be null.", parameterName);
            }

            Run(row.Run, parameterName);
            if (row.Run.Messages.Count > 0)
            {
                throw new ArgumentException($"Run '{row.Run.RunId}' carries messages: an imported run has none (its messages are message rows).", parameterName);
            }

            if (row.Run.SessionId is not null && row.Run.SessionId != sessionId)
            {
                throw new ArgumentException($"Run '{row.Run.RunId}' belongs to session '{row.Run.SessionId}', not to '{sessionId}'.", parameterName);
            }

            if (row.Run.Sequence <= 0 || row.MessageCount < 0)
            {
                throw new ArgumentException($"Run '{row.Run.RunId}' needs a positive sequence and a message count that is not negative.", parameterName);
            }

            if (!ids.Add(row.Run.RunId) || !sequences.Add(row.Run.Sequence))
            {
                throw new ArgumentException($"Run '{row.Run.RunId}' repeats a run id or a sequence of the list.", parameterName);
            }
        }

        return rows;
    }

    /// <summary>Checks profiles to import: at most <see cref="MaxPageSize"/>, each valid (see <see cref="UserMemory(Storage.UserMemory, string)"/>), distinct user ids.</summary>
    /// <returns>The profiles.</returns>
    public static IReadOnlyList<UserMemory> ImportedUserMemories(IReadOnlyList<UserMemory> memories, string parameterName)
    {
        ImportCount(memories, parameterName);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var memory in memories)
        {
            UserMemory(memory, parameterName);
            if (!ids.Add(memory.UserId))
            {
                throw new ArgumentException($"Two profiles have the user id '{memory.UserId}'.", parameterName);
            }
        }

        return memories;
    }

    /// <summary>Checks knowledge rows to import: at most <see cref="MaxPageSize"/>, each valid (see <see cref="KnowledgeRow(Storage.KnowledgeRow, string)"/>), distinct ids.</summary>
    /// <returns>The rows.</returns>
    public static IReadOnlyList<KnowledgeRow> ImportedKnowledgeRows(IReadOnlyList<KnowledgeRow> rows, string parameterName)
    {
        ImportCount(rows, parameterName);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            KnowledgeRow(row, parameterName);
            if (!ids.Add(row.Id))
            {
                throw new ArgumentException($"Two knowledge rows have the id '{row.Id}'.", parameterName);
            }
        }

        return rows;
    }

    private static void ImportCount<T>(IReadOnlyList<T> rows, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(rows, parameterName);
        if (rows.Count > MaxPageSize)
        {
            throw new ArgumentException($"One import call writes at most {MaxPageSize} records; this one has {rows.Count}.", parameterName);
        }
    }
}
