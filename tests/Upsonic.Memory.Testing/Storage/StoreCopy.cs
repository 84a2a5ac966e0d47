using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Upsonic.Storage;

namespace Upsonic.Storage.Testing;

/// <summary>
/// Copies a whole store from one storage to another through the paging API only (heads, then each session's messages and runs,
/// then profiles and knowledge rows, page by page), as the export/import tool does; and renders what a store shows to its
/// readers, so a copy can be compared with its source.
/// </summary>
public static class StoreCopy
{
    /// <summary>Copies every record of <paramref name="source"/> into <paramref name="target"/> in pages of <paramref name="pageSize"/>.</summary>
    /// <returns>How many pages were read, of every listing.</returns>
    public static async Task<int> CopyAsync(IStorage source, IStorage target, int pageSize, CancellationToken ct)
    {
        var pages = 0;
        string? cursor = null;
        do
        {
            var heads = await source.GetSessionHeadsPageAsync(cursor, pageSize, ct);
            pages++;
            foreach (var head in heads.Items)
            {
                await target.ImportSessionHeadAsync(head, ct);
                pages += await CopyRowsAsync(head.SessionId, c => source.GetSessionMessagesPageAsync(head.SessionId, c, pageSize, ct),
                    rows => target.ImportSessionMessagesAsync(head.SessionId, rows, ct));
                pages += await CopyRowsAsync(head.SessionId, c => source.GetSessionRunsPageAsync(head.SessionId, c, pageSize, ct),
                    rows => target.ImportSessionRunsAsync(head.SessionId, rows, ct));
            }

            cursor = heads.NextCursor;
        }
        while (cursor is not null);

        do
        {
            var memories = await source.GetUserMemoriesPageAsync(cursor, pageSize, ct);
            pages++;
            await target.ImportUserMemoriesAsync(memories.Items, ct);
            cursor = memories.NextCursor;
        }
        while (cursor is not null);

        do
        {
            var rows = await source.GetKnowledgeContentsPageAsync(cursor, pageSize, ct);
            pages++;
            await target.ImportKnowledgeContentsAsync(rows.Items, ct);
            cursor = rows.NextCursor;
        }
        while (cursor is not null);

        return pages;
    }

    /// <summary>Everything readers see of a store, as one JSON text: every session whole (<see cref="IStorage.GetSessionAsync"/>),
    /// its windows of every turn and of the last two turns, its row counts and runs, then every profile and knowledge row.</summary>
    public static async Task<string> SnapshotAsync(IStorage storage, CancellationToken ct)
    {
        var sessions = new JsonArray();
        foreach (var head in await AllAsync(c => storage.GetSessionHeadsPageAsync(c, 100, ct)))
        {
            var id = head.SessionId;
            sessions.Add(new JsonObject
            {
                ["head"] = Node(head),
                ["whole"] = Node(await storage.GetSessionAsync(id, cancellationToken: ct)),
                ["window"] = WindowNode(await storage.LoadSessionWindowAsync(id, null, ct)),
                ["window2"] = WindowNode(await storage.LoadSessionWindowAsync(id, 2, ct)),
                ["counts"] = Node(await storage.CountSessionRowsAsync(id, ct)),
                ["runsAfter"] = Node(await storage.GetRunsAfterAsync(id, 0, 100, ct)),
            });
        }

        var profiles = Node(await AllAsync(c => storage.GetUserMemoriesPageAsync(c, 100, ct)));
        var knowledge = Node(await AllAsync(c => storage.GetKnowledgeContentsPageAsync(c, 100, ct)));
        return new JsonObject { ["sessions"] = sessions, ["profiles"] = profiles, ["knowledge"] = knowledge }.ToJsonString();
    }

    /// <summary>Every item of a paged listing, following its cursors.</summary>
    public static async Task<List<T>> AllAsync<T>(Func<string?, Task<StorePage<T>>> page)
    {
        var all = new List<T>();
        string? cursor = null;
        do
        {
            var next = await page(cursor);
            all.AddRange(next.Items);
            cursor = next.NextCursor;
        }
        while (cursor is not null);

        return all;
    }

    private static async Task<int> CopyRowsAsync<T>(string sessionId, Func<string?, Task<StorePage<T>>> read, Func<IReadOnlyList<T>, Task<bool>> write)
    {
        var pages = 0;
        string? cursor = null;
        do
        {
            var page = await read(cursor);
            pages++;
            if (!await write(page.Items))
            {
                throw new InvalidOperationException($"The target lost session '{sessionId}' during the copy.");
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return pages;
    }

    private static JsonNode? Node<T>(T value) => JsonSerializer.SerializeToNode(value, AIJsonUtilities.DefaultOptions);

    // The mark's epoch is drawn by each store on its own (it is not data that a copy carries), so it is left out; its message sequence is compared.
    private static JsonNode? WindowNode(SessionWindow? window) =>
        Node(window is { Mark: { } mark } ? window with { Mark = mark with { Epoch = 0 } } : window);
}
