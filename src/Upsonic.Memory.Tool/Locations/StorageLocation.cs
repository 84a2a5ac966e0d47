namespace Upsonic.Memory.Tool.Locations;

/// <summary>A parsed storage URI: which engine, where, with which table names, and how to show it without its password.</summary>
/// <remarks><b>Security considerations:</b> <see cref="ConnectionUrl"/> holds the password (<see cref="Mem0"/> the API key); only <see cref="Display"/> is ever
/// printed, and every message the tool prints is passed through <see cref="Redact"/> first.</remarks>
internal sealed record StorageLocation
{
    /// <summary>The engine.</summary>
    public required StorageKind Kind { get; init; }

    /// <summary>The file (SQLite) or directory (JSON), as given; <see langword="null"/> for servers.</summary>
    public string? Path { get; init; }

    /// <summary>The URL handed to the driver (password included, the tool's own query keys removed); <see langword="null"/> for files.</summary>
    public string? ConnectionUrl { get; init; }

    /// <summary>The URI as given, with the password replaced by <c>***</c>.</summary>
    public required string Display { get; init; }

    /// <summary>The strings that must never be printed (the password, raw and URL-decoded).</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];

    /// <summary>The PostgreSQL schema (<c>?schema=</c>, default <c>public</c>).</summary>
    public string? Schema { get; init; }

    /// <summary>The Redis key prefix (<c>?prefix=</c>, default <c>upsonic</c>).</summary>
    public string? Prefix { get; init; }

    /// <summary>The MongoDB database (the URI's path, default <c>upsonic</c>).</summary>
    public string? Database { get; init; }

    /// <summary>The Mem0 settings (address, deployment, Mem0 user, project, API key) for a <c>mem0:</c> URI; <see langword="null"/> otherwise.</summary>
    public Upsonic.Storage.Mem0.Mem0StorageOptions? Mem0 { get; init; }

    /// <summary>The session table, collection or key segment (<c>?session_table=</c>).</summary>
    public string? SessionTable { get; init; }

    /// <summary>The user-memory table (<c>?user_memory_table=</c>).</summary>
    public string? UserMemoryTable { get; init; }

    /// <summary>The knowledge table (<c>?knowledge_table=</c>).</summary>
    public string? KnowledgeTable { get; init; }

    /// <summary>Replaces every secret of this location in <paramref name="text"/> with <c>***</c>.</summary>
    public string Redact(string text)
    {
        foreach (var secret in Secrets)
        {
            if (secret.Length > 0)
            {
                text = text.Replace(secret, "***", StringComparison.Ordinal);
            }
        }

        return text;
    }

    /// <inheritdoc/>
    public override string ToString() => Display;
}
