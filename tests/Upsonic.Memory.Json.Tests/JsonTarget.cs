using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Upsonic.Storage;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Json.Tests;

/// <summary>Runs the shared suites against <see cref="JsonStorage"/>: each storage in its own temporary directory, deleted afterwards.</summary>
public sealed class JsonTarget : StorageTarget
{
    private readonly string _root = Directory.CreateTempSubdirectory("upsonic-json-").FullName;

    /// <inheritdoc />
    public override string Name => "json";

    /// <inheritdoc />
    public override Task<IStorage> CreateAsync() => CreateNamedAsync(null, null, null, null);

    /// <inheritdoc />
    public override Task<IStorage> CreateNamedAsync(string? sessionTable, string? userMemoryTable, string? knowledgeTable, string? id) =>
        Task.FromResult<IStorage>(new JsonStorage(Path.Combine(_root, Guid.NewGuid().ToString("N")), sessionTable, userMemoryTable, knowledgeTable, id));

    /// <summary>A second instance over the same directory, with its own lock handle, as another process would open it.</summary>
    public override Task<IStorage> CreateExpiringAsync(int? expire, TimeProvider timeProvider) =>
        Task.FromResult<IStorage>(new JsonStorage(Path.Combine(_root, Guid.NewGuid().ToString("N")), expire: expire, timeProvider: timeProvider));

    /// <summary>Every file under the storage's directory: its name and its text.</summary>
    public override async Task<IReadOnlyList<string>> ReadRawContentsAsync(IStorage storage)
    {
        var files = new List<string>();
        foreach (var path in Directory.EnumerateFiles(((JsonStorage)storage).DbPath, "*", SearchOption.AllDirectories))
        {
            files.Add(path + ": " + await File.ReadAllTextAsync(path));
        }

        return files;
    }

    public override Task<IStorage> OpenAnotherAsync(IStorage storage)
    {
        var json = (JsonStorage)storage;
        return Task.FromResult<IStorage>(new JsonStorage(json.DbPath, json.SessionTable, json.UserMemoryTable, json.KnowledgeTable));
    }

    /// <summary>Rewrites the session's log with the message's stored form replaced by unreadable text.</summary>
    public override Task CorruptMessageAsync(IStorage storage, string sessionId, long sequence) =>
        RewriteMessagesAsync((JsonStorage)storage, sessionId, sequence, messages =>
            messages.Single(m => (long)m!["seq"]! == sequence)!["message"] = "{ not json");

    /// <summary>Rewrites the session's log without the stored row of message <paramref name="sequence"/> (a lost row).</summary>
    public override Task DeleteMessageRowAsync(IStorage storage, string sessionId, long sequence) =>
        RewriteMessagesAsync((JsonStorage)storage, sessionId, sequence, messages =>
            messages.RemoveAt(messages.Select((m, i) => (m, i)).Single(p => (long)p.m!["seq"]! == sequence).i));

    /// <summary>Rewrites the user's profile file with <paramref name="storedProfileJson"/> as the stored profile map, verbatim.</summary>
    public override async Task OverwriteProfileAsync(IStorage storage, string userId, string storedProfileJson)
    {
        var json = (JsonStorage)storage;
        var path = Path.Combine(json.DbPath, json.UserMemoryTable, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(userId))) + ".json");
        var record = JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject();
        var profile = Assert.Single(record, p => p.Value is JsonObject && p.Key.Contains("rofile", StringComparison.Ordinal)).Key;
        const string Placeholder = "\u0000raw-profile\u0000";
        record[profile] = Placeholder;
        await File.WriteAllTextAsync(path, record.ToJsonString().Replace(JsonValue.Create(Placeholder).ToJsonString(), storedProfileJson, StringComparison.Ordinal));
    }

    private static async Task RewriteMessagesAsync(JsonStorage storage, string sessionId, long sequence, Action<JsonArray> change)
    {
        var path = LogPath(storage, sessionId);
        var lines = await File.ReadAllLinesAsync(path);
        var hits = 0;
        for (var i = 1; i < lines.Length; i++)
        {
            var entry = JsonNode.Parse(lines[i])!.AsObject();
            var messages = entry["messages"]!.AsArray();
            if (messages.Any(m => (long)m!["seq"]! == sequence))
            {
                change(messages);
                hits++;
            }

            lines[i] = entry.ToJsonString();
        }

        Assert.Equal(1, hits);
        await File.WriteAllLinesAsync(path, lines);
    }

    /// <summary>The documented place of a session's log: &lt;dbPath&gt;/&lt;sessionTable&gt;/&lt;hex SHA-256 of the id&gt;.log.jsonl.</summary>
    public static string LogPath(JsonStorage storage, string sessionId) =>
        Path.Combine(storage.DbPath, storage.SessionTable, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sessionId))) + ".log.jsonl");

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        await base.DisposeAsync();
    }
}
