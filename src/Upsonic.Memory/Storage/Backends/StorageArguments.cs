using System.Diagnostics.CodeAnalysis;

namespace Upsonic.Storage.Backends;

/// <summary>Argument checks shared by every storage entry point, so every backend rejects the same input the same way.</summary>
/// <remarks>Each check throws <see cref="ArgumentException"/> (or <see cref="ArgumentNullException"/>) naming the parameter, before any I/O.
/// <see cref="StorageBase"/> runs them for every public member; a backend that implements <see cref="IStorage"/> directly calls them itself.</remarks>
[Experimental(StorageBase.ExperimentalDiagnosticId)]
public static class StorageArguments
{
    /// <summary>Checks an id: not null, empty or only white space.</summary>
    /// <returns>The id.</returns>
    public static string Id(string? value, string parameterName)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException("The id must be a non-empty string that is not only white space.", parameterName);
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

    /// <summary>Checks sessions to upsert: the list and every session non-null, every session id valid.</summary>
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

            Id(session.SessionId, parameterName);
        }

        return list;
    }

    /// <summary>Checks a user memory to upsert: non-null, a valid user id and a profile map.</summary>
    /// <returns>The user memory.</returns>
    public static UserMemory UserMemory(UserMemory memory, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(memory, parameterName);
        Id(memory.UserId, parameterName);
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
        Id(append.Run.RunId, parameterName);
        if (append.Run.Messages.Any(m => m is null))
        {
            throw new ArgumentException("The run's messages must not contain null.", parameterName);
        }
    }

    /// <summary>Checks a profile update: a valid user id and a traits map.</summary>
    public static void Profile(ProfileUpdate update, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(update, parameterName);
        Id(update.UserId, parameterName);
        ArgumentNullException.ThrowIfNull(update.Traits, parameterName);
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
    }
}
