namespace Upsonic.Memory.Tool.Locations;

/// <summary>
/// An error the tool reports as one line on stderr with exit code 2: a bad URI, an unreachable server, a bad argument, an
/// unreadable import file. Its message never holds a password (callers redact before they throw).
/// </summary>
internal sealed class ToolException : Exception
{
    public ToolException(string message)
        : base(message)
    {
    }

    public ToolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
