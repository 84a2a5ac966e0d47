using Upsonic.Storage;
using Upsonic.Storage.Mem0;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Memory.Mem0.Tests;

/// <summary>A Mem0 record whose payload cannot be decoded at all (not JSON of a bad field: the envelope itself) fails only itself:
/// the reads that list or search every record pass over it, report it, or name it (the shared contracts corrupt decodable payloads).</summary>
public sealed class Mem0UnreadableRecordTests : IAsyncLifetime
{
    private readonly Mem0TestServer _server = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private Mem0Storage Storage() => new(new Mem0StorageOptions { ApiKey = _server.ApiKey, BaseUrl = _server.BaseUrl, RetryDelay = TimeSpan.Zero });

    /// <summary>Replaces the inline payload of the record with this metadata id field value by text that is not gzip.</summary>
    private void Garble(string idField, string id) =>
        _server.EditMetadata(m => Mem0Envelope.Text(m.Metadata[idField]) == id && m.Metadata["_parent_id"] is null, metadata => metadata["_data"] = "not gzip");

    [Fact]
    public async Task A_session_listing_with_an_undecodable_session_returns_the_others_in_their_places_and_reports_it()
    {
        await using var storage = Storage();
        foreach (var id in new[] { "s-1", "s-2", "s-3" })
        {
            await storage.AppendRunAsync(Append(id, Turn("r-" + id, "hi", userId: "u1")), Ct);
        }

        Garble("session_id", "s-2");

        var all = await storage.GetSessionsAsync(new SessionQuery { SortOrder = SortOrder.Ascending }, Ct);
        var second = await storage.GetSessionsAsync(new SessionQuery { SortOrder = SortOrder.Ascending, Offset = 1, Limit = 1, UserId = "u1" }, Ct);
        var otherUser = await storage.GetSessionsAsync(new SessionQuery { UserId = "u2" }, Ct);

        Assert.Equal(["s-1", "s-3"], all.Items.Select(s => s.SessionId));
        Assert.Equal(3, all.Total);
        Assert.Equal("s-2", Assert.Single(all.UnreadableRecords).RecordId);
        Assert.Empty(second.Items);
        Assert.Equal("s-2", Assert.Single(second.UnreadableRecords).RecordId);
        Assert.Empty(otherUser.UnreadableRecords);
        Assert.Equal("s-1", (await storage.GetSessionAsync("s-1", cancellationToken: Ct))!.SessionId);
        var single = await Assert.ThrowsAsync<StorageException>(() => storage.GetSessionAsync("s-2", cancellationToken: Ct));
        Assert.True(single.IsCorruptData);
        Assert.Equal("s-2", single.RecordId);
    }

    [Fact]
    public async Task Finding_a_run_passes_over_an_undecodable_session_and_names_it_when_no_readable_session_holds_the_run()
    {
        await using var storage = Storage();
        await storage.AppendRunAsync(Append("s-a", Turn("r-a", "hi")), Ct);
        await storage.AppendRunAsync(Append("s-b", Turn("r-b", "hi")), Ct);
        await storage.AppendRunAsync(Append("s-c", Turn("r-c", "hi")), Ct);
        Garble("session_id", "s-a");

        Assert.Equal("r-c", (await storage.FindRunAsync("r-c", cancellationToken: Ct))!.RunId);
        var missing = await Assert.ThrowsAsync<StorageException>(() => storage.FindRunAsync("r-none", cancellationToken: Ct));
        Assert.True(missing.IsCorruptData);
        Assert.Equal("s-a", missing.RecordId);
    }

    [Fact]
    public async Task Deleting_a_users_data_deletes_their_undecodable_session_by_its_metadata_and_keeps_other_users_sessions()
    {
        await using var storage = Storage();
        await storage.AppendRunAsync(Append("s-mine", Turn("r1", "hi", userId: "u1")), Ct);
        await storage.AppendRunAsync(Append("s-theirs", Turn("r1", "hi", userId: "u2")), Ct);
        Garble("session_id", "s-mine");

        Assert.Equal(1, await storage.DeleteUserDataAsync("u1", Ct));

        Assert.DoesNotContain(_server.Memories, m => Mem0Envelope.Text(m.Metadata["session_id"]) == "s-mine");
        Assert.Equal("s-theirs", Assert.Single((await storage.GetSessionsAsync(cancellationToken: Ct)).Items).SessionId);
    }

    [Fact]
    public async Task A_knowledge_listing_with_an_undecodable_row_returns_the_others_and_reports_it()
    {
        await using var storage = Storage();
        foreach (var id in new[] { "k-1", "k-2", "k-3" })
        {
            await storage.UpsertKnowledgeContentAsync(new KnowledgeRow { Id = id, Name = id, KnowledgeBaseId = "kb" }, Ct);
        }

        Garble("document_id", "k-2");

        var page = await storage.GetKnowledgeContentsAsync(new KnowledgeQuery { KnowledgeBaseId = "kb" }, Ct);
        var otherBase = await storage.GetKnowledgeContentsAsync(new KnowledgeQuery { KnowledgeBaseId = "other" }, Ct);

        Assert.Equal(["k-1", "k-3"], page.Items.Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.Equal(3, page.Total);
        Assert.Equal("k-2", Assert.Single(page.UnreadableRecords).RecordId);
        Assert.Empty(otherBase.UnreadableRecords);
    }
}
