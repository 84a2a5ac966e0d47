using System.CommandLine;

namespace Upsonic.Memory.Tool.Commands;

/// <summary>The command tree of <c>upsonic-memory</c> (docs/tool.md).</summary>
internal static class ToolCommandLine
{
    public static RootCommand Build() => new("upsonic-memory: inspect, export, import and migrate Upsonic.Memory stores, and forget users.")
    {
        SessionsCommand.Create(),
        UsersCommand.Create(),
        ExportCommand.Create(),
        ImportCommand.Create(),
        MigrateCommand.Create(),
        ForgetUserCommand.Create(),
        DoctorCommand.Create(),
    };
}
