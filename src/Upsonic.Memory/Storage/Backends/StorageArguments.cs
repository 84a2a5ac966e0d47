using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.AI;

namespace Upsonic.Storage.Backends;

/// <summary>Argument checks shared by every storage entry point, so every backend rejects the same input the same way.</summary>
/// <remarks>Each check throws <see cref="ArgumentException"/> (or <see cref="ArgumentNullException"/>) naming the parameter, before any I/O.
/// Every id, required or optional (filters, record fields), must be well-formed UTF-16: a lone surrogate (what a JSON body's
/// <c>"\ud800"</c> becomes) would be replaced by U+FFFD or refused by the engine's encoder, so two different ids could become
/// one stored id. Enum values must be defined.
/// <see cref="StorageBase"/> runs them for every public member; a backend that implements <see cref="IStorage"/> directly calls them itself.</remarks>
[Experimental(StorageBase.ExperimentalDiagnosticId)]
public static partial class StorageArguments
{
    /// <summary>Checks an id: not null, empty or only white space, and well-formed UTF-16.</summary>
    /// <returns>The id.</returns>
    public static string Id(string? value, string parameterName)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException("The id must be a non-empty string that is not only white space.", parameterName);
        }

        WellFormed(value, parameterName);
        return value;
    }

    /// <summary>An optional id (a filter or a record field): null passes; anything else must be well-formed UTF-16.</summary>
    /// <returns>The id.</returns>
    public static string? OptionalId(string? value, string parameterName)
    {
        if (value is not null)
        {
            WellFormed(value, parameterName);
        }

        return value;
    }

    /// <summary>An optional id that, when given, must also not be empty or white space (for example a run lookup's agent id).</summary>
    /// <returns>The id.</returns>
    public static string? OptionalNonBlankId(string? value, string parameterName) => value is null ? null : Id(value, parameterName);

    /// <summary>Whether <paramref name="value"/> has no lone (unpaired) surrogate.</summary>
    public static bool IsWellFormed(string value)
    {
        var span = value.AsSpan();
        for (var i = 0; i < span.Length; i++)
        {
            var c = span[i];
            if (!char.IsSurrogate(c))
            {
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
            {
                i++;
                continue;
            }

            return false;
        }

        return true;
    }

    private static void WellFormed(string value, string parameterName)
    {
        if (!IsWellFormed(value))
        {
            throw new ArgumentException(
                "The id is not well-formed UTF-16: it contains a lone surrogate (for example \"\\ud800\"), which storage engines cannot keep apart from other ids.",
                parameterName);
        }
    }

    /// <summary>Checks an enum value: defined in <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The enum type.</typeparam>
    /// <returns>The value.</returns>
    public static T Defined<T>(T value, string parameterName)
        where T : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            throw new ArgumentException($"{value} is not a defined {typeof(T).Name} value.", parameterName);
        }

        return value;
    }

    /// <summary>Checks a list of ids: not null, every id valid, and not empty unless <paramref name="allowEmpty"/>.</summary>
    /// <returns>The list.</returns>
    public static IReadOnlyCollection<string> Ids(IReadOnlyCollection<string>? values, string parameterName, bool allowEmpty = false)
    {
        ArgumentNullException.ThrowIfNull(values, parameterName);
        if (values.Count == 0 && !allowEmpty)
        {
            throw new ArgumentException("The list of ids must not be empty.", parameterName);
        }

        foreach (var value in values)
        {
            Id(value, parameterName);
        }

        return values;
    }

    /// <summary>Checks a page: neither limit nor offset negative.</summary>
    public static void Paging(int? limit, int? offset, string parameterName)
    {
        if (limit is < 0)
        {
            throw new ArgumentException("Limit must not be negative.", parameterName);
        }

        if (offset is < 0)
        {
            throw new ArgumentException("Offset must not be negative.", parameterName);
        }
    }

    /// <summary>A session listing's filters and paging: ids in the id list non-null and well-formed, enums defined.</summary>
    /// <returns>The query.</returns>
    public static SessionQuery Query(SessionQuery query, string parameterName)
    {
        Paging(query.Limit, query.Offset, parameterName);
        FilterIds(query.SessionIds, parameterName);
        OptionalId(query.UserId, parameterName);
        OptionalId(query.AgentId, parameterName);
        if (query.SessionType is { } type)
        {
            Defined(type, parameterName);
        }

        Defined(query.SortBy, parameterName);
        Defined(query.SortOrder, parameterName);
        return query;
    }

    /// <summary>A user-memory listing's filters and paging: ids in the id list non-null and well-formed.</summary>
    /// <returns>The query.</returns>
    public static UserMemoryQuery Query(UserMemoryQuery query, string parameterName)
    {
        Paging(query.Limit, query.Offset, parameterName);
        FilterIds(query.UserIds, parameterName);
        OptionalId(query.AgentId, parameterName);
        OptionalId(query.TeamId, parameterName);
        return query;
    }

    private static void FilterIds(IReadOnlyCollection<string>? ids, string parameterName)
    {
        if (ids is null)
        {
            return;
        }

        foreach (var id in ids)
        {
            if (id is null)
            {
                throw new ArgumentException("The id list of a query must not contain null.", parameterName);
            }

            WellFormed(id, parameterName);
        }
    }

    /// <summary>Checks a session to upsert: non-null, valid ids, defined enums, storable message content, and runs with unique,
    /// non-blank run ids.</summary>
    /// <returns>The session.</returns>
    public static AgentSession Session(AgentSession session, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(session, parameterName);
        Id(session.SessionId, parameterName);
        Defined(session.SessionType, parameterName);
        OptionalId(session.UserId, parameterName);
        OptionalId(session.AgentId, parameterName);
        OptionalId(session.TeamId, parameterName);
        OptionalId(session.WorkflowId, parameterName);
        Messages(session.Messages, parameterName);
        var runIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var run in session.Runs)
        {
            if (run is not null)
            {
                Run(run, parameterName);
                Messages(run.Messages, parameterName);
                if (!runIds.Add(run.RunId))
                {
                    // Runs are keyed by (session, run id): two runs with one id would silently become one.
                    throw new ArgumentException($"The session holds two runs with the id '{run.RunId}'; run ids must be unique in a session.", parameterName);
                }
            }
        }

        return session;
    }

    /// <summary>Checks sessions to upsert: the list and every session non-null, every session valid (see <see cref="Session"/>).</summary>
    /// <returns>The sessions as a list (the sequence is read once).</returns>
    public static List<AgentSession> Sessions(IEnumerable<AgentSession> sessions, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(sessions, parameterName);
        var list = sessions.ToList();
        foreach (var session in list)
        {
            if (session is null)
            {
                throw new ArgumentException("The list must not contain null sessions.", parameterName);
            }

            Session(session, parameterName);
        }

        return list;
    }

    /// <summary>Checks a user memory to upsert: non-null, a valid user id and a profile map.</summary>
    /// <returns>The user memory.</returns>
    public static UserMemory UserMemory(UserMemory memory, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(memory, parameterName);
        Id(memory.UserId, parameterName);
        OptionalId(memory.AgentId, parameterName);
        OptionalId(memory.TeamId, parameterName);
        if (memory.Profile is null)
        {
            throw new ArgumentException("A user memory needs a profile map (it may be empty).", parameterName);
        }

        return memory;
    }

    /// <summary>Checks user memories to upsert, each as <see cref="UserMemory(Storage.UserMemory, string)"/>.</summary>
    /// <returns>The user memories as a list (the sequence is read once).</returns>
    public static List<UserMemory> UserMemories(IEnumerable<UserMemory> memories, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(memories, parameterName);
        var list = memories.ToList();
        foreach (var memory in list)
        {
            if (memory is null)
            {
                throw new ArgumentException("The list must not contain null user memories.", parameterName);
            }

            UserMemory(memory, parameterName);
        }

        return list;
    }

    /// <summary>Checks a run append: a valid session id, a run with a valid run id and no null message.</summary>
    public static void Append(RunAppend append, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(append, parameterName);
        Id(append.SessionId, parameterName);
        ArgumentNullException.ThrowIfNull(append.Run, parameterName);
        Run(append.Run, parameterName);
        if (append.Run.Messages.Any(m => m is null))
        {
            throw new ArgumentException("The run's messages must not contain null.", parameterName);
        }

        Messages(append.Run.Messages, parameterName);
    }

    /// <summary>Every content item can be written with the stored JSON contract, so a write never fails half way on a content type.</summary>
    private static void Messages(IEnumerable<ChatMessage>? messages, string parameterName)
    {
        foreach (var message in messages ?? [])
        {
            foreach (var content in message?.Contents ?? [])
            {
                if (content is not null && !StoredContent.IsStorable(content))
                {
                    throw new ArgumentException(
                        $"A message holds content of type {content.GetType().FullName}, which the stored JSON contract cannot write (it holds the "
                        + "Microsoft.Extensions.AI content types). Convert it to one of them (for example DataContent or TextContent) before saving.",
                        parameterName);
                }
            }
        }
    }

    private static void Run(RunRecord run, string parameterName)
    {
        Id(run.RunId, parameterName);
        OptionalId(run.AgentId, parameterName);
        OptionalId(run.UserId, parameterName);
        Defined(run.Status, parameterName);
    }

    /// <summary>Checks a profile update: a valid user id and a traits map.</summary>
    public static void Profile(ProfileUpdate update, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(update, parameterName);
        Id(update.UserId, parameterName);
        ArgumentNullException.ThrowIfNull(update.Traits, parameterName);
        OptionalId(update.AgentId, parameterName);
        OptionalId(update.TeamId, parameterName);
        Defined(update.Mode, parameterName);
    }

    /// <summary>Checks a knowledge row to upsert: a valid id and a name.</summary>
    public static void KnowledgeRow(KnowledgeRow row, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(row, parameterName);
        Id(row.Id, parameterName);
        if (string.IsNullOrWhiteSpace(row.Name))
        {
            throw new ArgumentException("A knowledge row needs a name.", parameterName);
        }

        OptionalId(row.KnowledgeBaseId, parameterName);
    }
}
