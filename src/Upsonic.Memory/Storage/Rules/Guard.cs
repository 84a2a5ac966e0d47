namespace Upsonic.Storage;

/// <summary>Argument checks shared by every storage entry point, so every backend rejects the same input the same way.</summary>
internal static class Guard
{
    public static string Id(string? value, string parameterName)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException("The id must be a non-empty string that is not only white space.", parameterName);
        }

        return value;
    }

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

    public static void Profile(ProfileUpdate update, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(update, parameterName);
        Id(update.UserId, parameterName);
        ArgumentNullException.ThrowIfNull(update.Traits, parameterName);
    }

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
