using System.Text.Json;
using Upsonic.Storage;

namespace Upsonic.Memory.Tool.Tests;

/// <summary>
/// Compares two stores record by record through the record API and the hot path (not through the tool's own format): every
/// session whole, its history windows and runs, every profile and every knowledge row.
/// </summary>
internal static class StoreComparer
{
    public static async Task AssertIdenticalAsync(IStorage expected, IStorage actual)
    {
        var ct = TestContext.Current.CancellationToken;
        var expectedIds = await SessionIdsAsync(expected);
        var actualIds = await SessionIdsAsync(actual);
        Assert.Equal(expectedIds, actualIds);
        foreach (var id in expectedIds)
        {
            var a = await expected.GetSessionAsync(id, cancellationToken: ct);
            var b = await actual.GetSessionAsync(id, cancellationToken: ct);
            AssertSame($"session {id}", a, b);
            AssertSameWindow($"window(3) of {id}", await expected.LoadSessionWindowAsync(id, 3, ct), await actual.LoadSessionWindowAsync(id, 3, ct));
            AssertSameWindow($"head of {id}", await expected.LoadSessionWindowAsync(id, 0, ct), await actual.LoadSessionWindowAsync(id, 0, ct));
            AssertSame($"runs after 1 of {id}", await expected.GetRunsAfterAsync(id, 1, 5, ct), await actual.GetRunsAfterAsync(id, 1, 5, ct));
            AssertSame($"row counts of {id}", await expected.CountSessionRowsAsync(id, ct), await actual.CountSessionRowsAsync(id, ct));
        }

        var profiles = await expected.GetUserMemoriesAsync(new UserMemoryQuery(), ct);
        AssertSame("profiles", Sorted(profiles.Items, p => p.UserId), Sorted((await actual.GetUserMemoriesAsync(new UserMemoryQuery(), ct)).Items, p => p.UserId));
        var knowledge = await expected.GetKnowledgeContentsAsync(new KnowledgeQuery(), ct);
        AssertSame("knowledge", Sorted(knowledge.Items, k => k.Id), Sorted((await actual.GetKnowledgeContentsAsync(new KnowledgeQuery(), ct)).Items, k => k.Id));
    }

    public static async Task<List<string>> SessionIdsAsync(IStorage storage)
    {
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = await storage.GetSessionHeadsPageAsync(cursor, 1000, TestContext.Current.CancellationToken);
            ids.AddRange(page.Items.Select(s => s.SessionId));
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        ids.Sort(StringComparer.Ordinal);
        return ids;
    }

    private static List<T> Sorted<T>(IEnumerable<T> items, Func<T, string> key) => items.OrderBy(key, StringComparer.Ordinal).ToList();

    // Two parts of a window are each store's own, not data a copy carries: its mark (an epoch drawn by each store, and none
    // from a store that does not answer incrementally) and the turns' token counts (estimates a store computes from the stored
    // text, or 0 when it keeps none). Both are left out; the turns themselves are compared, and the row counts separately.
    private static void AssertSameWindow(string what, SessionWindow? expected, SessionWindow? actual) =>
        AssertSame(what, WithoutStoreState(expected), WithoutStoreState(actual));

    private static SessionWindow? WithoutStoreState(SessionWindow? window) => window is null ? null : window with
    {
        Mark = null,
        Turns = [.. window.Turns.Select(t => t with { TokenCount = 0 })],
    };

    private static void AssertSame<T>(string what, T expected, T actual)
    {
        var a = JsonSerializer.Serialize(expected, StorageJson.Options);
        var b = JsonSerializer.Serialize(actual, StorageJson.Options);
        if (a != b)
        {
            var at = a.Zip(b).TakeWhile(p => p.First == p.Second).Count();
            Assert.Fail($"{what} differs at character {at}:\n expected ...{Slice(a, at)}...\n actual   ...{Slice(b, at)}...");
        }
    }

    private static string Slice(string text, int at) => text.Substring(Math.Max(0, at - 80), Math.Min(200, text.Length - Math.Max(0, at - 80)));
}
