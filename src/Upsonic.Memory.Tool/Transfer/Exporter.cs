using System.Text;
using Upsonic.Memory.Tool.Output;
using Upsonic.Storage;

namespace Upsonic.Memory.Tool.Transfer;

/// <summary>
/// Writes a store (or the part an <see cref="ExportFilter"/> selects) in the export format, streamed: one page of records is in
/// memory at a time, each line is written as soon as it is built.
/// </summary>
internal static class Exporter
{
    /// <summary>Exports into <paramref name="output"/> (UTF-8, <c>\n</c> line ends) and returns what was written.</summary>
    public static async Task<TransferTotals> ExportAsync(StorePager source, string sourceKind, ExportFilter filter, TextWriter output,
        TransferProgress progress, CancellationToken cancellationToken)
    {
        var totals = new TransferTotals();
        await WriteLine(output, ExportFormat.Text(ExportFormat.HeaderLine(sourceKind, DateTimeOffset.UtcNow, filter.ToJson()))).ConfigureAwait(false);

        await foreach (var head in SelectedHeadsAsync(source, filter, cancellationToken).ConfigureAwait(false))
        {
            var digest = await source.DigestSessionAsync(head, text => WriteLine(output, text), cancellationToken).ConfigureAwait(false);
            await WriteLine(output, ExportFormat.Text(ExportFormat.SessionEndLine(head.SessionId, digest))).ConfigureAwait(false);
            totals.Sessions++;
            totals.Runs += digest.Runs;
            totals.Messages += digest.Messages;
            progress.AddRows(digest.Runs + digest.Messages);
            progress.SessionDone();
        }

        if (filter.SessionIds.Count == 0)
        {
            if (filter.UserId is { } userId)
            {
                if (await source.Storage.GetUserMemoryAsync(userId, cancellationToken: cancellationToken).ConfigureAwait(false) is { } memory)
                {
                    await WriteLine(output, ExportFormat.Text(ExportFormat.UserMemoryLine(memory))).ConfigureAwait(false);
                    totals.UserMemories++;
                }
            }
            else
            {
                await foreach (var page in source.UserMemoryPagesAsync(cancellationToken).ConfigureAwait(false))
                {
                    foreach (var memory in page)
                    {
                        await WriteLine(output, ExportFormat.Text(ExportFormat.UserMemoryLine(memory))).ConfigureAwait(false);
                        totals.UserMemories++;
                    }
                }

                await foreach (var page in source.KnowledgePagesAsync(cancellationToken).ConfigureAwait(false))
                {
                    foreach (var row in page)
                    {
                        await WriteLine(output, ExportFormat.Text(ExportFormat.KnowledgeLine(row))).ConfigureAwait(false);
                        totals.Knowledge++;
                    }
                }
            }
        }

        totals.Unreadable = source.Unreadable;
        await WriteLine(output, ExportFormat.Text(ExportFormat.FooterLine(totals))).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        return totals;
    }

    /// <summary>How many sessions the filter selects (for the progress bar), counted without reading them.</summary>
    public static async Task<long> CountAsync(IStorage storage, ExportFilter filter, CancellationToken cancellationToken) =>
        filter.SessionIds.Count > 0
            ? filter.SessionIds.Count
            : (await storage.GetSessionsAsync(new SessionQuery { UserId = filter.UserId, Limit = 0 }, cancellationToken).ConfigureAwait(false)).Total;

    /// <summary>The heads of the selected sessions: by id when ids are given, else every head page by page (filtered by user).</summary>
    private static async IAsyncEnumerable<AgentSession> SelectedHeadsAsync(StorePager source, ExportFilter filter,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (filter.SessionIds.Count > 0)
        {
            foreach (var id in filter.SessionIds.Distinct(StringComparer.Ordinal))
            {
                var window = await source.Storage.LoadSessionWindowAsync(id, 0, cancellationToken).ConfigureAwait(false);
                if (window is null)
                {
                    ToolConsole.Status($"warning: no session '{id}'");
                }
                else if (filter.UserId is null || window.Session.UserId == filter.UserId)
                {
                    yield return window.Session;
                }
            }

            yield break;
        }

        await foreach (var (_, heads) in source.HeadPagesAsync(null, cancellationToken).ConfigureAwait(false))
        {
            foreach (var head in heads)
            {
                if (filter.UserId is null || head.UserId == filter.UserId)
                {
                    yield return head;
                }
            }
        }
    }

    private static Task WriteLine(TextWriter output, string text) => output.WriteAsync(text + "\n");

    /// <summary>UTF-8 without a byte-order mark.</summary>
    public static Encoding FileEncoding { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
}
