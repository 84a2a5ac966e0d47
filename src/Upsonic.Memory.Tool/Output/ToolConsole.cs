using Spectre.Console;

namespace Upsonic.Memory.Tool.Output;

/// <summary>
/// Where the tool writes: data (tables, JSON, export lines) to stdout; progress and errors to stderr, so
/// <c>upsonic-memory export ... &gt; file</c> stays clean. Every line passes through <see cref="Redactor"/>.
/// </summary>
internal static class ToolConsole
{
    private static IAnsiConsole? _out;

    /// <summary>The console for tables on stdout (plain text, no colours, when stdout is redirected).</summary>
    public static IAnsiConsole Out => _out ??= AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(Console.Out),
        Ansi = Console.IsOutputRedirected ? AnsiSupport.No : AnsiSupport.Detect,
        Interactive = Console.IsOutputRedirected ? InteractionSupport.No : InteractionSupport.Detect,
    });

    /// <summary>Whether stderr is a terminal (then progress is a live bar; otherwise plain lines).</summary>
    public static bool ErrorIsTerminal => !Console.IsErrorRedirected;

    /// <summary>Writes a line of data to stdout.</summary>
    public static void Line(string text) => Console.Out.WriteLine(Redactor.Redact(text));

    /// <summary>Writes a status line to stderr.</summary>
    public static void Status(string text) => Console.Error.WriteLine(Redactor.Redact(text));

    /// <summary>Writes the one-line error of a failed command to stderr.</summary>
    public static void Error(string message)
    {
        var line = Redactor.Redact(message).ReplaceLineEndings(" ");
        Console.Error.WriteLine("upsonic-memory: error: " + line);
    }
}
