namespace Upsonic.Memory.Tool.Locations;

/// <summary>
/// Which store of a command a URI names (<c>--storage</c>, or <c>--from</c>/<c>--to</c> of <c>migrate</c>), with the environment
/// variables that can hold its URI and its password instead of the command line (where other users of the machine can read
/// them in the process list).
/// </summary>
/// <param name="OptionName">The command-line option, for messages.</param>
/// <param name="UriVariable">The environment variable read when the option is not given.</param>
/// <param name="PasswordVariable">The environment variable whose value is the password when the URI names a user but no password.</param>
internal sealed record StorageRole(string OptionName, string UriVariable, string PasswordVariable)
{
    /// <summary>The one store of most commands.</summary>
    public static StorageRole Storage { get; } = new("--storage", "UPSONIC_MEMORY_STORAGE", "UPSONIC_MEMORY_PASSWORD");

    /// <summary>The source of <c>migrate</c>.</summary>
    public static StorageRole From { get; } = new("--from", "UPSONIC_MEMORY_FROM", "UPSONIC_MEMORY_FROM_PASSWORD");

    /// <summary>The target of <c>migrate</c>.</summary>
    public static StorageRole To { get; } = new("--to", "UPSONIC_MEMORY_TO", "UPSONIC_MEMORY_TO_PASSWORD");
}
