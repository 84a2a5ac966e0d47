using System.Runtime.CompilerServices;
using Upsonic.Memory.Tool.Output;
using Upsonic.Storage;

namespace Upsonic.Memory.Tool.Transfer;

/// <summary>
/// Reads a store page by page through the paging API of <see cref="IStorage"/> (<c>Get*PageAsync</c>): session heads, a
/// session's runs and messages, profiles, knowledge rows. At most one page is held at a time, so what the tool keeps in memory is
/// bounded by the page size, never by the size of a session or of the store. A record the store cannot read is reported
/// (one warning naming it, counted in <see cref="Unreadable"/>) and skipped.
/// </summary>
/// <param name="storage">The store to read.</param>
/// <param name="pageSize">Records per page (1 to 1000).</param>
internal sealed class StorePager(IStorage storage, int pageSize)
{
    /// <summary>The largest page the paging API serves.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>The page size used unless <c>--page-size</c> says otherwise.</summary>
    public const int DefaultPageSize = 500;

    /// <summary>Session heads per page (heads are small; a page of them is read at once).</summary>
    public const int HeadPageSize = 100;

    /// <summary>The store read.</summary>
    public IStorage Storage { get; } = storage;

    /// <summary>How many unreadable records were skipped.</summary>
    public long Unreadable { get; private set; }

    /// <summary>Pages of session heads from <paramref name="startCursor"/>, each with the cursor that read it (for a checkpoint).</summary>
    public async IAsyncEnumerable<(string? Cursor, IReadOnlyList<AgentSession> Heads)> HeadPagesAsync(
        string? startCursor, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var cursor = startCursor;
        while (true)
        {
            var page = await Storage.GetSessionHeadsPageAsync(cursor, HeadPageSize, cancellationToken).ConfigureAwait(false);
            Report(page.UnreadableRecords);
            yield return (cursor, page.Items);
            if (page.NextCursor is null)
            {
                yield break;
            }

            cursor = page.NextCursor;
        }
    }

    /// <summary>A session's runs, page by page, oldest first.</summary>
    public IAsyncEnumerable<IReadOnlyList<SessionRunRow>> RunPagesAsync(string sessionId, CancellationToken cancellationToken) =>
        PagesAsync((cursor, ct) => Storage.GetSessionRunsPageAsync(sessionId, cursor, pageSize, ct), cancellationToken);

    /// <summary>A session's message rows, page by page, by sequence.</summary>
    public IAsyncEnumerable<IReadOnlyList<SessionMessageRow>> MessagePagesAsync(string sessionId, CancellationToken cancellationToken) =>
        PagesAsync((cursor, ct) => Storage.GetSessionMessagesPageAsync(sessionId, cursor, pageSize, ct), cancellationToken);

    /// <summary>Every profile, page by page.</summary>
    public IAsyncEnumerable<IReadOnlyList<UserMemory>> UserMemoryPagesAsync(CancellationToken cancellationToken) =>
        PagesAsync((cursor, ct) => Storage.GetUserMemoriesPageAsync(cursor, pageSize, ct), cancellationToken);

    /// <summary>Every knowledge row, page by page.</summary>
    public IAsyncEnumerable<IReadOnlyList<KnowledgeRow>> KnowledgePagesAsync(CancellationToken cancellationToken) =>
        PagesAsync((cursor, ct) => Storage.GetKnowledgeContentsPageAsync(cursor, pageSize, ct), cancellationToken);

    /// <summary>
    /// Streams one session as export lines (session line, run lines, message lines) into <paramref name="write"/> (when given)
    /// and returns its counts and checksum.
    /// </summary>
    public async Task<SessionDigest> DigestSessionAsync(AgentSession head, Func<string, Task>? write, CancellationToken cancellationToken)
    {
        using var checksum = new SessionChecksum();
        await Emit(checksum.Add(ExportFormat.SessionLine(head))).ConfigureAwait(false);
        await foreach (var page in RunPagesAsync(head.SessionId, cancellationToken).ConfigureAwait(false))
        {
            foreach (var row in page)
            {
                await Emit(checksum.Add(ExportFormat.RunLine(head.SessionId, row))).ConfigureAwait(false);
            }
        }

        await foreach (var page in MessagePagesAsync(head.SessionId, cancellationToken).ConfigureAwait(false))
        {
            foreach (var row in page)
            {
                await Emit(checksum.Add(ExportFormat.MessageLine(head.SessionId, row))).ConfigureAwait(false);
            }
        }

        return checksum.Finish();

        Task Emit(string text) => write is null ? Task.CompletedTask : write(text);
    }

    private async IAsyncEnumerable<IReadOnlyList<T>> PagesAsync<T>(
        Func<string?, CancellationToken, Task<StorePage<T>>> read, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? cursor = null;
        while (true)
        {
            var page = await read(cursor, cancellationToken).ConfigureAwait(false);
            Report(page.UnreadableRecords);
            if (page.Items.Count > 0)
            {
                yield return page.Items;
            }

            if (page.NextCursor is null)
            {
                yield break;
            }

            cursor = page.NextCursor;
        }
    }

    private void Report(IReadOnlyList<StorageException> unreadable)
    {
        foreach (var failure in unreadable)
        {
            Unreadable++;
            ToolConsole.Status("warning: skipped an unreadable record: " + failure.Message);
        }
    }
}
