using System.Text.RegularExpressions;

namespace Upsonic.Samples;

/// <summary>The facts the offline sample model looks for: a name and an expertise such as "Python developer".</summary>
public sealed partial record UserFacts(string? Name, string? Expertise)
{
    /// <summary>Whether nothing was found.</summary>
    public bool IsEmpty => Name is null && Expertise is null;

    /// <summary>The language or field in the expertise ("Python" in "Python developer").</summary>
    public string? Language => Expertise?.Split(' ')[0];

    /// <summary>Finds the last stated name and expertise in <paramref name="text"/>.</summary>
    public static UserFacts Find(string text)
    {
        var name = NamePattern().Matches(text).LastOrDefault()?.Groups[1].Value;
        var expertise = ExpertisePattern().Matches(text).LastOrDefault() is { } m ? m.Groups[1].Value + " " + m.Groups[2].Value.ToLowerInvariant() : null;
        return new UserFacts(name, expertise);
    }

    /// <summary>One sentence with the facts, starting with <paramref name="subject"/>.</summary>
    public string Describe(string subject) =>
        IsEmpty ? "Nothing is known about the user yet."
        : $"{subject}{(Name is null ? "" : " is called " + Name)}{(Name is not null && Expertise is not null ? " and" : "")}{(Expertise is null ? "" : " is a " + Expertise)}.";

    [GeneratedRegex(@"(?:[Mm]y name is|[Nn]ame:|[Cc]all me|\bname\b""?\s*[:=]\s*""?|called)\s+""?([A-Z][a-z]+)")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"\b([A-Z][A-Za-z#+]*)\s+(developer|engineer|programmer|designer|scientist|Developer|Engineer)")]
    private static partial Regex ExpertisePattern();
}
