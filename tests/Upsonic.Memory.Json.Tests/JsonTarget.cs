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
    public override Task<IStorage> OpenAnotherAsync(IStorage storage)
    {
        var json = (JsonStorage)storage;
        return Task.FromResult<IStorage>(new JsonStorage(json.DbPath, json.SessionTable, json.UserMemoryTable, json.KnowledgeTable));
    }

    /// <summary>Rewrites the session's log with the message's stored form replaced by unreadable text.</summary>
    public override async Task CorruptMessageAsync(IStorage storage, string sessionId, long sequence)
    {
        var path = LogPath((JsonStorage)storage, sessionId);
        var lines = await File.ReadAllLinesAsync(path);
        var hits = 0;
        for (var i = 1; i < lines.Length; i++)
        {
            var entry = JsonNode.Parse(lines[i])!.AsObject();
            foreach (var message in entry["messages"]!.AsArray())
            {
                if ((long)message!["seq"]! == sequence)
                {
                    message["message"] = "{ not json";
                    hits++;
                }
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
