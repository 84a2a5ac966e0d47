using System.Net;
using System.Text.Json.Nodes;
using Upsonic.Storage;
using Upsonic.Storage.Mem0;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Memory.Mem0.Tests;

public sealed class Mem0ProtocolTests : IAsyncLifetime
{
    private readonly Mem0TestServer _server = new(selfHostedKey: "self-key");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private Mem0Storage Platform(int maxRetries = 3) => new(new Mem0StorageOptions
    {
        ApiKey = _server.ApiKey, OrgId = "org-1", ProjectId = "project-1", BaseUrl = _server.BaseUrl, MaxRetries = maxRetries, RetryDelay = TimeSpan.Zero,
    });

    private Mem0Storage SelfHosted() => new(new Mem0StorageOptions
    {
        Deployment = Mem0Deployment.SelfHosted, BaseUrl = _server.BaseUrl, ApiKey = "self-key", RetryDelay = TimeSpan.Zero,
    });

    [Fact]
    public async Task A_page_of_session_heads_is_one_filtered_listing_that_reads_chunks_only_for_the_pages_records()
    {
        await using var storage = Platform();
        var big = string.Concat(Enumerable.Range(0, 3000).Select(i => $"{i * 7919 % 10007:x}-"));
        await storage.AppendRunAsync(Append("a-big", Turn("r1", big)), Ct);
        foreach (var id in new[] { "b", "c", "d" })
        {
            await storage.AppendRunAsync(Append(id, Turn("r1", "hi")), Ct);
        }

        var before = _server.Requests.Count;
        var first = await storage.GetSessionHeadsPageAsync(null, 2, Ct);
        var firstCalls = _server.Requests.Skip(before).ToList();
        var second = await storage.GetSessionHeadsPageAsync(first.NextCursor, 2, Ct);
        var secondCalls = _server.Requests.Skip(before + firstCalls.Count).ToList();

        Assert.Equal(["a-big", "b"], first.Items.Select(h => h.SessionId));
        Assert.Equal(["c", "d"], second.Items.Select(h => h.SessionId));
        Assert.All(firstCalls.Concat(secondCalls), r => Assert.Equal(("POST", "/v2/memories/"), (r.Method, r.Path)));
        Assert.Equal(2, firstCalls.Count);
        var listing = firstCalls[0].Body["filters"]!.ToJsonString();
        Assert.Contains("\"_type\":\"session\"", listing, StringComparison.Ordinal);
        Assert.Contains("\"_table\":\"upsonic_sessions\"", listing, StringComparison.Ordinal);
        Assert.Contains("\"user_id\":\"upsonic_default\"", listing, StringComparison.Ordinal);
        Assert.Contains("\"_parent_id\":\"session__upsonic_sessions__a-big\"", firstCalls[1].Body["filters"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(listing, Assert.Single(secondCalls).Body["filters"]!.ToJsonString());
    }

    [Fact]
    public async Task A_session_record_whose_payload_cannot_be_decoded_is_reported_in_its_page_and_the_listing_moves_past_it()
    {
        await using var storage = Platform();
        foreach (var id in new[] { "s1", "s2", "s3" })
        {
            await storage.AppendRunAsync(Append(id, Turn("r1", "hi")), Ct);
        }

        var s2 = _server.Memories.Single(m => (string?)m.Metadata["session_id"] == "s2");
        var metadata = (JsonObject)s2.Metadata.DeepClone();
        metadata["_data"] = "not gzip";
        using var http = new HttpClient();
        using var edit = new HttpRequestMessage(HttpMethod.Put, new Uri(_server.BaseUrl, $"v1/memories/{s2.Id}/"))
        {
            Content = System.Net.Http.Json.JsonContent.Create(new JsonObject { ["text"] = s2.Content, ["metadata"] = metadata }),
        };
        edit.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Token", _server.ApiKey);
        (await http.SendAsync(edit, Ct)).EnsureSuccessStatusCode();

        var first = await storage.GetSessionHeadsPageAsync(null, 2, Ct);
        var rest = await storage.GetSessionHeadsPageAsync(first.NextCursor, 2, Ct);

        Assert.Equal(["s1"], first.Items.Select(h => h.SessionId));
        var error = Assert.Single(first.UnreadableRecords);
        Assert.True(error.IsCorruptData);
        Assert.Contains("s2", error.Message, StringComparison.Ordinal);
        Assert.Equal(["s3"], rest.Items.Select(h => h.SessionId));
        Assert.Null(rest.NextCursor);
    }

    [Fact]
    public async Task Importing_a_page_of_messages_twice_updates_the_one_session_memory_in_place_with_the_given_sequences()
    {
        await using var storage = Platform();
        await storage.ImportSessionHeadAsync(new AgentSession { SessionId = "s1", UserId = "u1" }, Ct);
        SessionMessageRow[] rows = [new(5, 3, "r3", true, User("five")), new(6, 3, "r3", true, Assistant("six"))];

        var before = _server.Requests.Count;
        Assert.True(await storage.ImportSessionMessagesAsync("s1", rows, Ct));
        var calls = _server.Requests.Skip(before).ToList();
        Assert.True(await storage.ImportSessionMessagesAsync("s1", rows, Ct));

        var memory = Assert.Single(_server.Memories);
        Assert.DoesNotContain(calls, r => r.Method == "POST" && r.Path == "/v1/memories/");
        Assert.Equal($"/v1/memories/{memory.Id}/", Assert.Single(calls, r => r.Method == "PUT").Path);
        var payload = JsonNode.Parse(Mem0Envelope.Decompress((string)memory.Metadata["_data"]!))!;
        Assert.Equal([5L, 6L], payload["messages"]!.AsArray().Select(m => (long)m!["seq"]!));
        Assert.Equal((6L, 3L), ((long)payload["message_count"]!, (long)payload["run_count"]!));
        var page = await storage.GetSessionMessagesPageAsync("s1", null, 10, Ct);
        Assert.Equal([(5L, 3L, "five"), (6L, 3L, "six")], page.Items.Select(r => (r.Sequence, r.Turn, r.Message.Text)));
        Assert.Equal(new SessionRowCounts(2, 2, 0), await storage.CountSessionRowsAsync("s1", Ct));
    }

    [Fact]
    public async Task On_a_self_hosted_server_a_page_of_profiles_is_one_listing_of_the_mem0_users_memories()
    {
        await using var storage = SelfHosted();
        foreach (var id in new[] { "u3", "u1", "u2" })
        {
            await storage.UpsertUserMemoryAsync(new UserMemory { UserId = id, Profile = new JsonObject { ["name"] = id } }, Ct);
        }

        var before = _server.Requests.Count;
        var page = await storage.GetUserMemoriesPageAsync(null, 2, Ct);

        Assert.Equal(["u1", "u2"], page.Items.Select(m => m.UserId));
        var call = Assert.Single(_server.Requests.Skip(before));
        Assert.Equal(("GET", "/memories?user_id=upsonic_default"), (call.Method, call.PathAndQuery));
        Assert.Equal(["u3"], (await storage.GetUserMemoriesPageAsync(page.NextCursor, 2, Ct)).Items.Select(m => m.UserId));
    }

    [Fact]
    public async Task A_session_is_one_memory_in_the_python_sdks_layout_stored_without_inference()
    {
        await using var storage = Platform();
        await storage.AppendRunAsync(Append("s1", Turn("r1", "hello", "u1")), Ct);

        var memory = Assert.Single(_server.Memories);
        Assert.Equal("upsonic_default", memory.UserId);
        Assert.Equal("Upsonic session s1", memory.Content);
        Assert.Equal("session__upsonic_sessions__s1", (string?)memory.Metadata["_upsonic_memory_id"]);
        Assert.Equal("session", (string?)memory.Metadata["_type"]);
        Assert.Equal("upsonic_sessions", (string?)memory.Metadata["_table"]);
        Assert.Equal("s1", (string?)memory.Metadata["session_id"]);
        Assert.Equal("u1", (string?)memory.Metadata["user_id"]);
        Assert.Equal("agent", (string?)memory.Metadata["session_type"]);
        Assert.True((bool?)memory.Metadata["_compressed"]);
        Assert.False((bool?)memory.Metadata["_chunked"]);
        var payload = JsonNode.Parse(Mem0Envelope.Decompress((string)memory.Metadata["_data"]!))!;
        Assert.Equal("s1", (string?)payload["head"]!["session_id"]);
        var add = _server.Requests.First(r => r.Method == "POST" && r.PathAndQuery == "/v1/memories/");
        Assert.False((bool?)add.Body["infer"]);
        Assert.Equal("org-1", (string?)add.Body["org_id"]);
        Assert.Equal("project-1", (string?)add.Body["project_id"]);
        Assert.All(_server.Requests, r => Assert.Equal("Token " + _server.ApiKey, r.Headers["authorization"]));
    }

    [Fact]
    public async Task A_profile_is_one_user_memory_record_keyed_by_user()
    {
        await using var storage = Platform();
        await storage.UpsertUserMemoryAsync(new UserMemory { UserId = "u1", Profile = new JsonObject { ["name"] = "Alice" } }, Ct);

        var memory = Assert.Single(_server.Memories);
        Assert.Equal("user_memory__upsonic_user_memories__u1", (string?)memory.Metadata["_upsonic_memory_id"]);
        Assert.Equal("user_memory", (string?)memory.Metadata["_type"]);
        Assert.Equal("u1", (string?)memory.Metadata["user_id"]);
        Assert.Equal("Alice", (string?)(await storage.GetUserMemoryAsync("u1", cancellationToken: Ct))!.Profile["name"]);
    }

    [Fact]
    public async Task A_large_session_is_split_into_chunks_within_the_metadata_limit_and_reads_back_whole()
    {
        await using var storage = Platform();
        var text = string.Concat(Enumerable.Range(0, 3000).Select(i => $"{i * 7919 % 10007:x}-"));
        await storage.AppendRunAsync(Append("big", Turn("r1", text)), Ct);
        await storage.AppendRunAsync(Append("big", Turn("r2", text + "again")), Ct);

        var main = Assert.Single(_server.Memories, m => (string?)m.Metadata["_type"] == "session");
        var chunks = _server.Memories.Where(m => (string?)m.Metadata["_type"] == "session_chunk").ToList();
        Assert.True((bool?)main.Metadata["_chunked"]);
        Assert.True(chunks.Count > 1);
        Assert.Equal((int)main.Metadata["_chunk_count"]!, chunks.Count);
        Assert.All(chunks, c => Assert.Equal("session__upsonic_sessions__big", (string?)c.Metadata["_parent_id"]));
        Assert.All(_server.Memories, m => Assert.True(Mem0TestServer.Size(m.Metadata) <= Mem0TestServer.MetadataLimit));
        var session = await storage.GetSessionAsync("big", cancellationToken: Ct);
        Assert.Equal([text, "answer to " + text, text + "again", "answer to " + text + "again"], session!.Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task A_429_and_a_503_are_retried_and_the_call_then_succeeds()
    {
        await using var storage = Platform();
        _server.FailNext(HttpStatusCode.TooManyRequests, retryAfter: "0");
        _server.FailNext(HttpStatusCode.ServiceUnavailable);

        Assert.Null(await storage.GetSessionAsync("missing", cancellationToken: Ct));

        Assert.Equal(3, _server.Requests.Count(r => r.PathAndQuery.StartsWith("/v2/memories/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Server_errors_that_outlast_the_retries_fail_as_a_storage_exception_naming_the_operation()
    {
        await using var storage = Platform(maxRetries: 2);
        _server.FailNext(HttpStatusCode.InternalServerError, times: 3);

        var error = await Assert.ThrowsAsync<StorageException>(() => storage.LoadSessionWindowAsync("s1", null, Ct));

        Assert.Equal("LoadSessionWindow", error.Operation);
        Assert.Contains("500", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, _server.Requests.Count);
    }

    [Fact]
    public async Task A_rejected_key_is_not_retried_and_is_not_repeated_in_the_message()
    {
        await using var storage = new Mem0Storage(new Mem0StorageOptions { ApiKey = "wrong-secret", BaseUrl = _server.BaseUrl, RetryDelay = TimeSpan.Zero });

        var error = await Assert.ThrowsAsync<StorageException>(() => storage.GetSessionAsync("s1", cancellationToken: Ct));

        Assert.Contains("401", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret", error.ToString(), StringComparison.Ordinal);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task A_self_hosted_server_is_called_on_its_own_paths_with_the_api_key_header()
    {
        await using var storage = SelfHosted();

        await storage.AppendRunAsync(Append("s1", Turn("r1", "hello")), Ct);
        var window = await storage.LoadSessionWindowAsync("s1", null, Ct);

        Assert.Equal(["hello", "answer to hello"], window!.Turns.Single().Messages.Select(m => m.Text));
        Assert.All(_server.Requests, r => Assert.StartsWith("/memories", r.PathAndQuery, StringComparison.Ordinal));
        Assert.All(_server.Requests, r => Assert.Equal("self-key", r.Headers["x-api-key"]));
        Assert.DoesNotContain(_server.Requests, r => r.Headers.ContainsKey("authorization"));
    }

    [Fact]
    public void Incomplete_options_fail_at_construction_with_what_to_set()
    {
        var saved = Environment.GetEnvironmentVariable("MEM0_API_KEY");
        Environment.SetEnvironmentVariable("MEM0_API_KEY", null);
        try
        {
            Assert.Contains("API key", Assert.Throws<ArgumentException>(() => new Mem0Storage(new Mem0StorageOptions())).Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("MEM0_API_KEY", saved);
        }

        Assert.Contains("BaseUrl", Assert.Throws<ArgumentException>(() => new Mem0Storage(new Mem0StorageOptions { Deployment = Mem0Deployment.SelfHosted })).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new Mem0Storage(new Mem0StorageOptions { ApiKey = "k", MaxRetries = 11 }));
        Assert.Throws<ArgumentException>(() => new Mem0Storage(new Mem0StorageOptions { ApiKey = "k", BaseUrl = new Uri("ftp://example.org") }));
        Assert.Throws<ArgumentNullException>(() => new Mem0Storage((Mem0StorageOptions)null!));
    }

    [Fact]
    public void The_upstream_style_constructor_targets_the_platform_with_upstreams_defaults()
    {
        var storage = new Mem0Storage(apiKey: "k", orgId: "o", projectId: "p");

        Assert.Equal(Mem0Deployment.Platform, storage.Deployment);
        Assert.Equal(new Uri("https://api.mem0.ai"), storage.BaseUrl);
        Assert.Equal("upsonic_default", storage.DefaultUserId);
        Assert.Equal("upsonic_sessions", storage.SessionTable);
        Assert.Equal("upsonic_knowledge", storage.KnowledgeTable);
    }
}
