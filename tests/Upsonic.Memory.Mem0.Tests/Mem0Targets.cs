using System.Globalization;
using System.Text.Json.Nodes;
using Upsonic.Storage;
using Upsonic.Storage.Mem0;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Mem0.Tests;

/// <summary>
/// What the Mem0 targets share: every storage gets its own Mem0 user (so storages never see each other's records), "another
/// process" is a second <see cref="Mem0Storage"/> with the same settings, and a message row is overwritten or deleted by
/// rewriting the stored session record.
/// </summary>
public abstract class Mem0TargetBase : StorageTarget
{
    /// <inheritdoc />
    public override bool ServesIncrementalWindows => false;

    private readonly List<Mem0Storage> _created = [];

    protected abstract Mem0StorageOptions NewOptions();

    public override Task<IStorage> CreateAsync() => CreateNamedAsync(null, null, null, null);

    public override Task<IStorage> CreateNamedAsync(string? sessionTable, string? userMemoryTable, string? knowledgeTable, string? id)
    {
        var options = NewIsolatedOptions();
        options.SessionTable = sessionTable;
        options.UserMemoryTable = userMemoryTable;
        options.KnowledgeTable = knowledgeTable;
        options.Id = id;
        return Task.FromResult<IStorage>(Track(new Mem0Storage(options)));
    }

    public override Task<IStorage> CreateExpiringAsync(int? expire, TimeProvider timeProvider)
    {
        var options = NewIsolatedOptions();
        options.Expire = expire;
        return Task.FromResult<IStorage>(Track(new Mem0Storage(options, timeProvider: timeProvider)));
    }

    public override Task<IStorage> OpenAnotherAsync(IStorage storage)
    {
        var mem0 = (Mem0Storage)storage;
        var options = NewOptions();
        options.DefaultUserId = mem0.DefaultUserId;
        options.SessionTable = mem0.SessionTable;
        options.UserMemoryTable = mem0.UserMemoryTable;
        options.KnowledgeTable = mem0.KnowledgeTable;
        return Task.FromResult<IStorage>(Track(new Mem0Storage(options)));
    }

    /// <summary>A storage under the same Mem0 user with other table names (a second application sharing the Mem0 project and user).</summary>
    public override Task<IStorage> OpenWithOtherTablesAsync(IStorage storage, string sessionTable, string userMemoryTable, string knowledgeTable)
    {
        var options = NewOptions();
        options.DefaultUserId = ((Mem0Storage)storage).DefaultUserId;
        options.SessionTable = sessionTable;
        options.UserMemoryTable = userMemoryTable;
        options.KnowledgeTable = knowledgeTable;
        return Task.FromResult<IStorage>(Track(new Mem0Storage(options)));
    }

    public override Task CorruptMessageAsync(IStorage storage, string sessionId, long sequence) =>
        OverwriteMessageAsync(storage, sessionId, sequence, "{ not json");

    /// <summary>Rewrites the session record with the message row's stored JSON text replaced (a session record keeps each message as
    /// its stored text).</summary>
    public override Task OverwriteMessageAsync(IStorage storage, string sessionId, long sequence, string storedJson) =>
        RewriteMessagesAsync(storage, sessionId, sequence, (messages, index) => messages[index] = messages[index] with { Message = storedJson });

    /// <summary>Rewrites the session record without the message row (its run still records the message: a lost row).</summary>
    public override Task DeleteMessageRowAsync(IStorage storage, string sessionId, long sequence) =>
        RewriteMessagesAsync(storage, sessionId, sequence, (messages, index) => messages.RemoveAt(index));

    private static Task RewriteMessagesAsync(IStorage storage, string sessionId, long sequence, Action<List<Mem0SessionDocument.StoredMessage>, int> change) =>
        ((Mem0Storage)storage).RewriteSessionAsync(sessionId, document =>
        {
            var index = document.Messages.FindIndex(m => m.Seq == sequence);
            if (index < 0)
            {
                throw new InvalidOperationException($"Message {sequence} of session '{sessionId}' does not exist, so it cannot be changed.");
            }

            change(document.Messages, index);
        }, CancellationToken.None);

    /// <summary>The target's options under a Mem0 user of their own.</summary>
    private Mem0StorageOptions NewIsolatedOptions()
    {
        var options = NewOptions();
        options.DefaultUserId = "upsonic_test_" + Guid.NewGuid().ToString("N");
        return options;
    }

    private Mem0Storage Track(Mem0Storage storage)
    {
        lock (_created)
        {
            _created.Add(storage);
        }

        return storage;
    }

    /// <summary>The storages this target created (a live target clears their records when it is disposed).</summary>
    protected IReadOnlyList<Mem0Storage> Created { get { lock (_created) { return _created.ToList(); } } }
}

/// <summary>A target over its own <see cref="Mem0TestServer"/> on 127.0.0.1, stopped when the target is disposed.</summary>
public abstract class Mem0LocalTargetBase : Mem0TargetBase
{
    protected Mem0TestServer Server { get; } = new(selfHostedKey: "self-key");

    /// <summary>
    /// Every memory the server holds for the storage's Mem0 user (its content and metadata) and every payload in it decoded: the
    /// inline <c>_data</c> of each main memory, and the chunks of each write (by parent and version) joined in order, whether a
    /// main memory still points at them or not.
    /// </summary>
    public override Task<IReadOnlyList<string>> ReadRawContentsAsync(IStorage storage)
    {
        var memories = Server.Memories.Where(m => m.UserId == ((Mem0Storage)storage).DefaultUserId).ToList();
        var raw = memories.Select(m => $"{m.Content} {m.Metadata.ToJsonString()}").ToList();
        var (chunks, mains) = (memories.Where(IsChunk).ToList(), memories.Where(m => !IsChunk(m)).ToList());
        raw.AddRange(mains.Where(m => m.Metadata["_data"] is not null).Select(m => Decoded(Text(m, "_data"))));
        raw.AddRange(chunks.GroupBy(c => (Text(c, "_parent_id"), Text(c, "_version")))
            .Select(write => Decoded(string.Concat(write.OrderBy(c => int.Parse(Text(c, "_chunk_index"), CultureInfo.InvariantCulture)).Select(c => Text(c, "_data"))))));
        return Task.FromResult<IReadOnlyList<string>>(raw);

        static bool IsChunk(Mem0Stored memory) => memory.Metadata["_parent_id"] is not null;

        static string Text(Mem0Stored memory, string key) => Mem0Envelope.Text(memory.Metadata[key]) ?? "";

        // A payload this storage wrote is gzip-compressed base64; anything else is searched as it is.
        static string Decoded(string data)
        {
            try
            {
                return Mem0Envelope.Decompress(data);
            }
            catch (Exception ex) when (ex is FormatException or InvalidDataException)
            {
                return data;
            }
        }
    }

    /// <summary>
    /// Rewrites the user's profile record on the server with <paramref name="storedProfileJson"/> as its <c>profile</c> map,
    /// verbatim (a duplicate key survives: the payload is text).
    /// </summary>
    public override Task OverwriteProfileAsync(IStorage storage, string userId, string storedProfileJson)
    {
        const string Placeholder = "\u0000raw-profile\u0000";
        RewritePayload((Mem0Storage)storage, "user_memory", ((Mem0Storage)storage).UserMemoryTable, userId, (payload, _) =>
        {
            payload["profile"] = Placeholder;
            return payload.ToJsonString().Replace(JsonValue.Create(Placeholder).ToJsonString(), storedProfileJson, StringComparison.Ordinal);
        });
        return Task.CompletedTask;
    }

    /// <summary>
    /// Rewrites the session record on the server with the head's <c>updated_at</c> as the raw number (in the payload, and as its text
    /// in the main memory's metadata): the layout stores times as ISO 8601 text, so a raw Unix-millisecond value is a time no reader
    /// can take, whatever its range.
    /// </summary>
    public override Task OverwriteSessionUpdatedAtAsync(IStorage storage, string sessionId, long unixMilliseconds)
    {
        RewritePayload((Mem0Storage)storage, "session", ((Mem0Storage)storage).SessionTable, sessionId, (payload, metadata) =>
        {
            payload["head"]!["updated_at"] = unixMilliseconds;
            metadata["updated_at"] = unixMilliseconds.ToString(CultureInfo.InvariantCulture);
            return payload.ToJsonString();
        });
        return Task.CompletedTask;
    }

    /// <summary>Rewrites the JSON payload of a record on the server (its main memory's inline <c>_data</c>, decompressed, changed
    /// by <paramref name="edit"/> with the metadata at hand, compressed again). The records these tests corrupt are small: a
    /// chunked one is an error here.</summary>
    private void RewritePayload(Mem0Storage storage, string kind, string table, string id, Func<JsonObject, JsonObject, string> edit)
    {
        var memoryId = Mem0Envelope.MemoryId(kind, table, id);
        Server.EditMetadata(m => m.UserId == storage.DefaultUserId && Mem0Envelope.Text(m.Metadata[Mem0Envelope.UpsonicIdKey]) == memoryId, metadata =>
        {
            if (metadata["_chunked"]?.GetValue<bool>() != false)
            {
                throw new InvalidOperationException($"Record '{id}' is chunked: these tests rewrite the inline payload of small records only.");
            }

            var payload = JsonNode.Parse(Mem0Envelope.Decompress(Mem0Envelope.Text(metadata[Mem0Envelope.DataKey])!))!.AsObject();
            metadata[Mem0Envelope.DataKey] = Mem0Envelope.Compress(edit(payload, metadata));
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await base.DisposeAsync();
    }
}

/// <summary>The contract against the fake Mem0 platform API on 127.0.0.1.</summary>
public sealed class Mem0Target : Mem0LocalTargetBase
{
    public override string Name => "mem0 (local platform API)";

    protected override Mem0StorageOptions NewOptions() => new()
    {
        Deployment = Mem0Deployment.Platform,
        ApiKey = Server.ApiKey,
        OrgId = "org-test",
        ProjectId = "project-test",
        BaseUrl = Server.BaseUrl,
        RetryDelay = TimeSpan.Zero,
    };
}

/// <summary>The contract against the fake self-hosted Mem0 server API on 127.0.0.1.</summary>
public sealed class Mem0SelfHostedTarget : Mem0LocalTargetBase
{
    public override string Name => "mem0 (local self-hosted API)";

    protected override Mem0StorageOptions NewOptions() => new()
    {
        Deployment = Mem0Deployment.SelfHosted,
        ApiKey = Server.SelfHostedKey,
        BaseUrl = Server.BaseUrl,
        RetryDelay = TimeSpan.Zero,
    };
}

/// <summary>
/// The contract against the real Mem0 platform, when <c>MEM0_API_KEY</c> is set (with <c>MEM0_ORG_ID</c>, <c>MEM0_PROJECT_ID</c>
/// and <c>MEM0_HOST</c> when needed). Without a key the live tests skip: the one skip allowed under CI, because the service
/// needs an account.
/// </summary>
public sealed class Mem0LiveTarget : Mem0TargetBase
{
    public override string Name => "mem0 (live platform)";

    protected override Mem0StorageOptions NewOptions()
    {
        var key = Environment.GetEnvironmentVariable("MEM0_API_KEY");
        if (string.IsNullOrWhiteSpace(key))
        {
            Assert.Skip("MEM0_API_KEY is not set: the live Mem0 contract needs a Mem0 platform account (the only test allowed to skip under CI=true; the local-server contract covers the same code).");
        }

        var host = Environment.GetEnvironmentVariable("MEM0_HOST");
        return new Mem0StorageOptions
        {
            ApiKey = key,
            OrgId = Environment.GetEnvironmentVariable("MEM0_ORG_ID"),
            ProjectId = Environment.GetEnvironmentVariable("MEM0_PROJECT_ID"),
            BaseUrl = string.IsNullOrWhiteSpace(host) ? null : new Uri(host),
        };
    }

    /// <summary>The live target writes only through <see cref="Mem0Storage"/>: a raw profile map needs a write around the API, which the
    /// local targets make on their server.</summary>
    public override Task OverwriteProfileAsync(IStorage storage, string userId, string storedProfileJson)
    {
        Assert.Skip("The live Mem0 target writes only through Mem0Storage; the raw-payload hooks run against the local Mem0 server (Mem0Target, Mem0SelfHostedTarget).");
        throw new System.Diagnostics.UnreachableException();
    }

    /// <summary>As <see cref="OverwriteProfileAsync"/>: a raw timestamp needs a write around the API.</summary>
    public override Task OverwriteSessionUpdatedAtAsync(IStorage storage, string sessionId, long unixMilliseconds)
    {
        Assert.Skip("The live Mem0 target writes only through Mem0Storage; the raw-payload hooks run against the local Mem0 server (Mem0Target, Mem0SelfHostedTarget).");
        throw new System.Diagnostics.UnreachableException();
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (var storage in Created)
        {
            try
            {
                await storage.ClearAllAsync();
            }
            catch (StorageException)
            {
                // Leftover test records under a throwaway Mem0 user are harmless; the test's result is what matters.
            }

            await storage.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}
