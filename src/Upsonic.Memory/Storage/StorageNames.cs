using System.Text.RegularExpressions;

namespace Upsonic.Storage;

/// <summary>Default table names and the validation of every table, collection, schema and key-prefix name.</summary>
/// <remarks>A name is 1 to 63 characters, letters, digits and underscores, not starting with a digit. Names are validated at
/// construction, so a bad one never reaches SQL text or a key.</remarks>
public static partial class StorageNames
{
    /// <summary>The default session table name.</summary>
    public const string DefaultSessionTable = "upsonic_sessions";

    /// <summary>The default user-memory table name.</summary>
    public const string DefaultUserMemoryTable = "upsonic_user_memories";

    /// <summary>The default knowledge table name.</summary>
    public const string DefaultKnowledgeTable = "upsonic_knowledge";

    /// <summary>The longest name accepted (PostgreSQL's identifier limit).</summary>
    public const int MaxLength = 63;

    /// <summary>Returns <paramref name="name"/>, or <paramref name="fallback"/> when it is null or empty; throws when the result is not a valid name.</summary>
    /// <exception cref="ArgumentException">The name is not 1-63 letters, digits or underscores starting with a letter or underscore.</exception>
    public static string Validate(string? name, string fallback, string parameterName)
    {
        var value = string.IsNullOrEmpty(name) ? fallback : name;
        if (!IsValid(value))
        {
            throw new ArgumentException(
                $"'{value}' is not a valid name: use 1 to {MaxLength} letters, digits or underscores, not starting with a digit.",
                parameterName);
        }

        return value;
    }

    /// <summary>Whether <paramref name="name"/> is a valid table, collection, schema or prefix name.</summary>
    public static bool IsValid(string? name) => name is { Length: > 0 and <= MaxLength } && NamePattern().IsMatch(name);

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
