using System.CommandLine;
using Upsonic.Memory.Tool.Locations;
using Upsonic.Memory.Tool.Output;
using Upsonic.Storage;

namespace Upsonic.Memory.Tool.Commands;

/// <summary>
/// Parses the command line and runs the command, turning every failure into one line on stderr and an exit code: never a stack
/// trace, never a password.
/// </summary>
internal static class ToolRunner
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = ToolCommandLine.Build();
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            ToolConsole.Error(parseResult.Errors[0].Message + " (see upsonic-memory --help)");
            return ExitCodes.Error;
        }

        try
        {
            return await parseResult.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            ToolConsole.Error("interrupted");
            return ExitCodes.Cancelled;
        }
        catch (Exception ex)
        {
            ToolConsole.Error(Describe(ex));
            return ExitCodes.Error;
        }
    }

    /// <summary>The one-line message of a failure.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        ToolException tool => tool.Message,
        StorageException storage => "storage error: " + Innermost(storage),
        ArgumentException argument => StorageOpener.FirstLine(argument.Message),
        IOException or UnauthorizedAccessException => exception.Message,
        NotSupportedException => "not supported: " + StorageOpener.FirstLine(exception.Message),
        _ => $"unexpected {exception.GetType().Name}: {exception.Message}",
    };

    /// <summary>A storage failure with the driver's reason (for "connection refused" and the like) when it adds one.</summary>
    private static string Innermost(StorageException exception)
    {
        var message = Short(exception.Message);
        var inner = exception.InnerException;
        while (inner?.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return inner is null || message.Contains(inner.Message, StringComparison.Ordinal) ? message : message + " (" + Short(inner.Message) + ")";
    }

    /// <summary>A driver's reason without the cluster dump some drivers append (MongoDB lists every server's state and exception).</summary>
    private static string Short(string reason)
    {
        var dump = reason.IndexOf(" Client view of cluster state", StringComparison.Ordinal);
        reason = StorageOpener.FirstLine(dump >= 0 ? reason[..dump] : reason);
        return reason.Length <= MaxReason ? reason : reason[..MaxReason] + "...";
    }

    private const int MaxReason = 300;
}
