namespace Upsonic.Storage;

/// <summary>The settings of a <see cref="JsonStorage"/> registered with <c>UseJson</c>, bindable from <c>Storage:Json</c>.</summary>
/// <remarks>Names and defaults match the <see cref="JsonStorage"/> constructor parameters.</remarks>
public sealed class JsonStorageOptions
{
    /// <summary>The directory; default <see cref="JsonStorage.DefaultDbPath"/> (<c>upsonic_json_db</c>) in the current directory.</summary>
    /// <remarks><b>Security considerations:</b> the directory holds conversations and profiles verbatim; keep it out of web roots.</remarks>
    public string? DbPath { get; set; }

    /// <summary>The sessions' subdirectory; default <c>upsonic_sessions</c>.</summary>
    public string? SessionTable { get; set; }

    /// <summary>The profiles' subdirectory; default <c>upsonic_user_memories</c>.</summary>
    public string? UserMemoryTable { get; set; }

    /// <summary>The knowledge rows' subdirectory; default <c>upsonic_knowledge</c>.</summary>
    public string? KnowledgeTable { get; set; }

    /// <summary>The storage id; default a new GUID string.</summary>
    public string? Id { get; set; }

    /// <summary>Seconds after its last write when a session or profile expires; default none (never).</summary>
    public int? Expire { get; set; }
}
