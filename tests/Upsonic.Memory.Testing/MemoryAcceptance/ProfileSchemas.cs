using System.ComponentModel;

namespace Upsonic.Storage.Testing;

/// <summary>A custom profile schema with required members, like upstream's <c>name: str, age: int</c> test schema.</summary>
[Description("Who the user is.")]
public sealed class PersonProfile
{
    /// <summary>The user's name.</summary>
    [Description("The user's first name.")]
    public required string Name { get; init; }

    /// <summary>The user's age.</summary>
    [Description("The user's age in years.")]
    public required int Age { get; init; }

    /// <summary>The user's job, when known.</summary>
    [Description("The user's job.")]
    public string? Occupation { get; init; }
}
