namespace Upsonic.Memory.Tool.Commands;

/// <summary>The tool's exit codes (docs/tool.md).</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Success = 0;

    /// <summary>The command ran but a check failed: <c>doctor</c> found a problem, <c>migrate</c> or <c>import</c> verification differs.</summary>
    public const int CheckFailed = 1;

    /// <summary>An error: bad arguments or URI, an unreachable server, a storage failure, an unreadable file. One line on stderr.</summary>
    public const int Error = 2;

    /// <summary>Interrupted (Ctrl+C). A migrate resumes where it stopped when run again.</summary>
    public const int Cancelled = 130;
}
