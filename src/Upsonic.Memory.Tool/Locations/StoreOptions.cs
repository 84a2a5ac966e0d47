using System.CommandLine;
using Upsonic.Memory.Tool.Output;

namespace Upsonic.Memory.Tool.Locations;

/// <summary>The <c>--storage</c> (<c>--from</c>, <c>--to</c>) options and how a command turns them into a location.</summary>
internal static class StoreOptions
{
    /// <summary>The option of a role, described with its environment variables.</summary>
    public static Option<string?> Option(StorageRole role, string what) => new(role.OptionName)
    {
        Description = $"{what}: sqlite:<file>, json:<dir>, postgres://..., redis://..., mongodb://..., mem0:https://... (or set {role.UriVariable}; "
            + $"a password left out of the URI is read from {role.PasswordVariable})",
        HelpName = "URI",
    };

    /// <summary>The location the option (or its environment variable) names; a missing or bad URI is a <see cref="ToolException"/>.</summary>
    public static StorageLocation Resolve(ParseResult parseResult, Option<string?> option, StorageRole role)
    {
        var uri = parseResult.GetValue(option);
        if (string.IsNullOrWhiteSpace(uri))
        {
            uri = Environment.GetEnvironmentVariable(role.UriVariable);
        }

        if (string.IsNullOrWhiteSpace(uri))
        {
            throw new ToolException($"No store given: pass {role.OptionName} URI or set {role.UriVariable}.");
        }

        var location = StorageUri.Parse(uri, Environment.GetEnvironmentVariable(role.PasswordVariable));
        Redactor.Register(location);
        return location;
    }
}
