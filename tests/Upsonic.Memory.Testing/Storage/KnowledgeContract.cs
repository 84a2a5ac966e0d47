using System.Text.Json.Nodes;
using Upsonic.Storage;
using Xunit;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Storage.Testing;

/// <summary>The knowledge-base document registry: rows by id, 1-based pages, deletes.</summary>
/// <typeparam name="TTarget">The backend's target.</typeparam>
public abstract class KnowledgeContract<TTarget> : UserMemoryContract<TTarget>
    where TTarget : StorageTarget, new()
{
    [Fact]
    public async Task A_round_trip_keeps_every_field()
    {
        var storage = await CreateAsync();
        var row = new KnowledgeRow
        {
            Id = "doc-1",
            Name = "handbook.pdf",
            Description = "Employee handbook 测试 🚀",
            Metadata = RichMap(),
            Type = "pdf",
            Size = 123_456,
            KnowledgeBaseId = "kb-1",
            ContentHash = "sha256:abc",
            ChunkCount = 17,
            Source = "/docs/handbook.pdf",
            Status = "completed",
            StatusMessage = "indexed",
            AccessCount = 3,
            CreatedAt = BaseTime,
        };

        var stored = await storage.UpsertKnowledgeContentAsync(row, Ct);
        var read = await storage.GetKnowledgeContentAsync("doc-1", Ct);

        foreach (var r in new[] { stored, read! })
        {
            Assert.Equal(("doc-1", "handbook.pdf", "Employee handbook 测试 🚀", "pdf"), (r.Id, r.Name, r.Description, r.Type));
            Assert.Equal((123_456L, "kb-1", "sha256:abc", 17), (r.Size!.Value, r.KnowledgeBaseId, r.ContentHash, r.ChunkCount!.Value));
            Assert.Equal(("/docs/handbook.pdf", "completed", "indexed", 3), (r.Source, r.Status, r.StatusMessage, r.AccessCount));
            SameJson(RichMap(), r.Metadata);
            Assert.Equal(BaseTime, r.CreatedAt);
            Assert.NotNull(r.UpdatedAt);
        }
    }

    [Fact]
    public async Task A_missing_row_reads_as_null()
    {
        var storage = await CreateAsync();
        Assert.Null(await storage.GetKnowledgeContentAsync("missing", Ct));
    }

    [Fact]
    public async Task Re_upsert_without_created_at_keeps_the_stored_one_and_advances_updated_at()
    {
        var storage = await CreateAsync();
        var first = await storage.UpsertKnowledgeContentAsync(Row("doc-1", null), Ct);
        Assert.NotNull(first.CreatedAt);
        NextMillisecond();

        var second = await storage.UpsertKnowledgeContentAsync(Row("doc-1", null, name: "renamed"), Ct);

        Assert.Equal(first.CreatedAt, second.CreatedAt);
        Assert.True(second.UpdatedAt > first.UpdatedAt);
        Assert.Equal("renamed", (await storage.GetKnowledgeContentAsync("doc-1", Ct))!.Name);
    }

    [Fact]
    public async Task Listing_is_newest_created_first_with_the_total()
    {
        var storage = await SeededAsync();
        var page = await storage.GetKnowledgeContentsAsync(cancellationToken: Ct);
        Assert.Equal(["k8", "k7", "k6", "k5", "k4", "k3", "k2", "k1"], RowIds(page));
        Assert.Equal(8, page.Total);
    }

    [Fact]
    public async Task Page_three_with_limit_two_returns_items_five_and_six()
    {
        var storage = await SeededAsync();
        var page = await storage.GetKnowledgeContentsAsync(new() { Limit = 2, Page = 3 }, Ct);
        Assert.Equal(["k4", "k3"], RowIds(page));
        Assert.Equal(8, page.Total);
    }

    [Fact]
    public async Task The_first_page_is_page_one()
    {
        var storage = await SeededAsync();
        Assert.Equal(["k8", "k7", "k6"], RowIds(await storage.GetKnowledgeContentsAsync(new() { Limit = 3, Page = 1 }, Ct)));
        Assert.Equal(["k8", "k7", "k6"], RowIds(await storage.GetKnowledgeContentsAsync(new() { Limit = 3 }, Ct)));
    }

    [Fact]
    public async Task A_page_past_the_end_is_empty_with_the_correct_total()
    {
        var storage = await SeededAsync();
        var page = await storage.GetKnowledgeContentsAsync(new() { Limit = 5, Page = 3 }, Ct);
        Assert.Empty(page.Items);
        Assert.Equal(8, page.Total);
    }

    [Fact]
    public async Task Sorting_ascending_and_filtering_by_knowledge_base()
    {
        var storage = await SeededAsync();
        Assert.Equal(["k1", "k2", "k3"], RowIds(await storage.GetKnowledgeContentsAsync(new() { SortOrder = SortOrder.Ascending, Limit = 3 }, Ct)));
        var odd = await storage.GetKnowledgeContentsAsync(new() { KnowledgeBaseId = "kb-odd" }, Ct);
        Assert.Equal(["k7", "k5", "k3", "k1"], RowIds(odd));
        Assert.Equal(4, odd.Total);
    }

    [Fact]
    public async Task Delete_returns_whether_the_row_existed()
    {
        var storage = await SeededAsync();
        Assert.True(await storage.DeleteKnowledgeContentAsync("k1", Ct));
        Assert.False(await storage.DeleteKnowledgeContentAsync("k1", Ct));
        Assert.Equal(2, await storage.DeleteKnowledgeContentsAsync(["k2", "k3", "missing"], Ct));
        Assert.Equal(5, (await storage.GetKnowledgeContentsAsync(cancellationToken: Ct)).Total);
    }

    [Fact]
    public async Task Deleting_an_empty_list_returns_zero()
    {
        var storage = await SeededAsync();
        Assert.Equal(0, await storage.DeleteKnowledgeContentsAsync([], Ct));
        Assert.Equal(8, (await storage.GetKnowledgeContentsAsync(cancellationToken: Ct)).Total);
    }

    [Fact]
    public async Task Invalid_paging_is_rejected()
    {
        var storage = await CreateAsync();
        Assert.Equal("query", (await Assert.ThrowsAnyAsync<ArgumentException>(() => storage.GetKnowledgeContentsAsync(new() { Page = 0, Limit = 2 }, Ct))).ParamName);
        Assert.Equal("query", (await Assert.ThrowsAnyAsync<ArgumentException>(() => storage.GetKnowledgeContentsAsync(new() { Limit = -1 }, Ct))).ParamName);
    }

    private async Task<IStorage> SeededAsync()
    {
        var storage = await CreateAsync();
        for (var i = 1; i <= 8; i++)
        {
            await storage.UpsertKnowledgeContentAsync(Row($"k{i}", BaseTime.AddMinutes(i), i % 2 == 0 ? "kb-even" : "kb-odd"), Ct);
        }

        return storage;
    }

    private static KnowledgeRow Row(string id, DateTimeOffset? createdAt, string? knowledgeBaseId = null, string name = "doc.txt") =>
        new() { Id = id, Name = name, CreatedAt = createdAt, KnowledgeBaseId = knowledgeBaseId, Metadata = new JsonObject { ["id"] = id } };

    private static List<string> RowIds(PagedResult<KnowledgeRow> page) => page.Items.Select(r => r.Id).ToList();
}
