using System.Text.Json.Nodes;
using Upsonic.Memory.Tool.Output;
using Upsonic.Storage;

namespace Upsonic.Memory.Tool.Transfer;

/// <summary>
/// Copies one store into another page by page (session heads, then each session's runs and messages, then profiles and
/// knowledge rows) through the paging and import API of <see cref="IStorage"/>, resumable from a <see cref="MigrationCheckpoint"/>,
/// and then verifies every session (row counts and checksum), profile and knowledge row against the source.
/// </summary>
/// <remarks>Memory: one page of heads (100) and one page of rows (the page size) at a time, plus a SHA-256 state while verifying;
/// nothing grows with the length of a session or the size of the store.</remarks>
internal sealed class Migrator(StorePager source, StorePager target, MigrationCheckpoint checkpoint, bool verbose)
{
    private const int ProblemsKept = 20;
    private readonly List<string> _problems = [];

    /// <summary>The first few things that did not verify (each was also printed when found).</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>How many things did not verify.</summary>
    public long ProblemCount { get; private set; }

    /// <summary>Copies everything not copied yet (per the checkpoint), saving the checkpoint after every session.</summary>
    public async Task<TransferTotals> CopyAsync(TransferProgress progress, CancellationToken cancellationToken)
    {
        var totals = new TransferTotals();
        if (checkpoint.Phase == MigrationCheckpoint.Sessions)
        {
            progress.Skipped(checkpoint.SessionsDone);
            var skip = checkpoint.DoneInPage;
            await foreach (var (cursor, heads) in source.HeadPagesAsync(checkpoint.HeadCursor, cancellationToken).ConfigureAwait(false))
            {
                checkpoint.HeadCursor = cursor;
                for (var i = skip; i < heads.Count; i++)
                {
                    await CopySessionAsync(heads[i], totals, progress, cancellationToken).ConfigureAwait(false);
                    checkpoint.DoneInPage = i + 1;
                    checkpoint.SessionsDone++;
                    checkpoint.Save();
                    progress.SessionDone();
                }

                skip = 0;
            }

            checkpoint.Phase = MigrationCheckpoint.Profiles;
            checkpoint.Save();
        }

        if (checkpoint.Phase == MigrationCheckpoint.Profiles)
        {
            await foreach (var page in source.UserMemoryPagesAsync(cancellationToken).ConfigureAwait(false))
            {
                await target.Storage.ImportUserMemoriesAsync(page, cancellationToken).ConfigureAwait(false);
                totals.UserMemories += page.Count;
            }

            checkpoint.Phase = MigrationCheckpoint.Knowledge;
            checkpoint.Save();
        }

        if (checkpoint.Phase == MigrationCheckpoint.Knowledge)
        {
            await foreach (var page in source.KnowledgePagesAsync(cancellationToken).ConfigureAwait(false))
            {
                await target.Storage.ImportKnowledgeContentsAsync(page, cancellationToken).ConfigureAwait(false);
                totals.Knowledge += page.Count;
            }

            checkpoint.Phase = MigrationCheckpoint.Verify;
            checkpoint.Save();
        }

        totals.Unreadable = source.Unreadable;
        return totals;
    }

    /// <summary>
    /// Compares every session of the source with the target (counts, then checksum), every profile and every knowledge row;
    /// returns the totals of the source.
    /// </summary>
    public async Task<TransferTotals> VerifyAsync(TransferProgress progress, CancellationToken cancellationToken)
    {
        var totals = new TransferTotals();
        await foreach (var (_, heads) in source.HeadPagesAsync(null, cancellationToken).ConfigureAwait(false))
        {
            foreach (var head in heads)
            {
                var expected = await source.DigestSessionAsync(head, null, cancellationToken).ConfigureAwait(false);
                if (await SessionVerifier.CompareAsync(target, head.SessionId, expected, cancellationToken).ConfigureAwait(false) is { } problem)
                {
                    Problem(problem);
                }

                totals.Sessions++;
                totals.Runs += expected.Runs;
                totals.Messages += expected.Messages;
                progress.AddRows(expected.Runs + expected.Messages);
                progress.SessionDone();
            }
        }

        await foreach (var page in source.UserMemoryPagesAsync(cancellationToken).ConfigureAwait(false))
        {
            var copies = await target.Storage.GetUserMemoriesAsync(new UserMemoryQuery { UserIds = [.. page.Select(m => m.UserId)] }, cancellationToken).ConfigureAwait(false);
            var byId = copies.Items.ToDictionary(m => m.UserId, StringComparer.Ordinal);
            foreach (var memory in page)
            {
                Compare($"profile of user '{memory.UserId}'", RecordJson.UserMemory(memory), byId.TryGetValue(memory.UserId, out var copy) ? RecordJson.UserMemory(copy) : null);
                totals.UserMemories++;
            }
        }

        await foreach (var page in source.KnowledgePagesAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var row in page)
            {
                var copy = await target.Storage.GetKnowledgeContentAsync(row.Id, cancellationToken).ConfigureAwait(false);
                Compare($"knowledge row '{row.Id}'", RecordJson.Knowledge(row), copy is null ? null : RecordJson.Knowledge(copy));
                totals.Knowledge++;
            }
        }

        return totals;
    }

    private async Task CopySessionAsync(AgentSession head, TransferTotals totals, TransferProgress progress, CancellationToken cancellationToken)
    {
        await target.Storage.ImportSessionHeadAsync(head, cancellationToken).ConfigureAwait(false);
        long runs = 0, messages = 0;
        await foreach (var page in source.RunPagesAsync(head.SessionId, cancellationToken).ConfigureAwait(false))
        {
            await target.Storage.ImportSessionRunsAsync(head.SessionId, page, cancellationToken).ConfigureAwait(false);
            runs += page.Count;
            progress.AddRows(page.Count);
        }

        await foreach (var page in source.MessagePagesAsync(head.SessionId, cancellationToken).ConfigureAwait(false))
        {
            await target.Storage.ImportSessionMessagesAsync(head.SessionId, page, cancellationToken).ConfigureAwait(false);
            messages += page.Count;
            progress.AddRows(page.Count);
        }

        totals.Sessions++;
        totals.Runs += runs;
        totals.Messages += messages;
        if (verbose)
        {
            ToolConsole.Status($"copied session {head.SessionId} ({runs} runs, {messages} messages)");
        }
    }

    private void Compare(string what, JsonObject expected, JsonObject? actual)
    {
        if (actual is null)
        {
            Problem($"{what} is missing from the target");
        }
        else if (ExportFormat.Text(expected) != ExportFormat.Text(actual))
        {
            Problem($"{what} differs in the target");
        }
    }

    private void Problem(string problem)
    {
        ProblemCount++;
        if (_problems.Count < ProblemsKept)
        {
            _problems.Add(problem);
        }

        ToolConsole.Status("verify: " + problem);
    }
}
