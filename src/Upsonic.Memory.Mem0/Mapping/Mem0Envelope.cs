using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;

namespace Upsonic.Storage.Mem0;

/// <summary>
/// How a record becomes Mem0 memories, in the Python SDK's layout: one memory per record, its id <c>{kind}__{table}__{id}</c> in
/// the <c>_upsonic_memory_id</c> metadata key, the filter fields beside it, and the record's JSON gzip-compressed and base64-encoded
/// in <c>_data</c>; when that does not fit Mem0's metadata limit, the payload goes to chunk memories <c>{id}__chunk_{i}</c>.
/// </summary>
/// <remarks>
/// Chunks carry a write version (<c>_version</c>, also on the main memory) so a reader never mixes the chunks of two writes:
/// a write adds its chunks first, then points the main memory at them, then deletes the chunks of the write before.
/// </remarks>
internal static class Mem0Envelope
{
    public const string UpsonicIdKey = "_upsonic_memory_id";
    public const string TypeKey = "_type";
    public const string TableKey = "_table";
    public const string DataKey = "_data";
    public const string ParentKey = "_parent_id";
    public const string VersionKey = "_version";

    /// <summary>Mem0's metadata size limit in characters (upstream's figure), less room for the other keys.</summary>
    public const int MetadataLimit = 2000;
    private const int Reserve = 100;

    /// <summary>The longest id (and filter field value) kept literally in metadata; longer ones would not fit Mem0's limit.</summary>
    public const int MaxLiteralLength = 256;

    /// <summary>
    /// The memory id of a record: <c>{kind}__{table}__{id}</c>; an id longer than <see cref="MaxLiteralLength"/> is replaced by
    /// <c>sha256-</c> and its hash there (the record's payload still holds the id itself).
    /// </summary>
    public static string MemoryId(string kind, string table, string id) =>
        $"{kind}__{table}__{(id.Length <= MaxLiteralLength ? id : "sha256-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(id))))}";

    /// <summary>The metadata filter that finds every main memory of a kind in a table.</summary>
    public static Dictionary<string, string> KindFilter(string kind, string table) => new() { [TypeKey] = kind, [TableKey] = table };

    /// <summary>The metadata filter that finds every chunk of a kind in a table.</summary>
    public static Dictionary<string, string> ChunkFilter(string kind, string table) => new() { [TypeKey] = kind + "_chunk", [TableKey] = table };

    /// <summary>The memories one write stores: the main memory's content and metadata, and the chunks (content, metadata) when the payload is large.</summary>
    public sealed record Written(string Content, JsonObject Metadata, IReadOnlyList<(string Content, JsonObject Metadata)> Chunks);

    /// <summary>Lays a record out as memories.</summary>
    /// <param name="kind">The record kind (<c>session</c>, <c>user_memory</c>, <c>knowledge</c>).</param>
    /// <param name="table">The table name.</param>
    /// <param name="id">The record's id.</param>
    /// <param name="fields">The filter fields, as upstream writes them (null values are left out).</param>
    /// <param name="payload">The record's JSON.</param>
    public static Written Write(string kind, string table, string id, IEnumerable<KeyValuePair<string, string?>> fields, string payload)
    {
        var memoryId = MemoryId(kind, table, id);
        var metadata = new JsonObject { [TypeKey] = kind, [TableKey] = table, [UpsonicIdKey] = memoryId };
        foreach (var (key, value) in fields)
        {
            // A value too long for metadata is left out: the payload holds it, and lookups use the memory id.
            if (value is not null && value.Length <= MaxLiteralLength)
            {
                metadata[key] = value;
            }
        }

        var data = Compress(payload);
        var available = MetadataLimit - Size(metadata) - Reserve;
        metadata["_compressed"] = true;
        if (data.Length <= available)
        {
            metadata[DataKey] = data;
            metadata["_chunked"] = false;
            return new Written($"Upsonic {kind} {id}", metadata, []);
        }

        var version = Guid.NewGuid().ToString("N");
        var chunkSize = Math.Max(200, available - 200);
        var parts = Enumerable.Range(0, (data.Length + chunkSize - 1) / chunkSize)
            .Select(i => data.Substring(i * chunkSize, Math.Min(chunkSize, data.Length - (i * chunkSize)))).ToList();
        metadata["_chunked"] = true;
        metadata["_chunk_count"] = parts.Count;
        metadata[VersionKey] = version;
        var chunkIds = new JsonArray([.. parts.Select((_, i) => (JsonNode?)JsonValue.Create($"{memoryId}__chunk_{i}"))]);
        if (Size(metadata) + Size(chunkIds) + 20 <= MetadataLimit)
        {
            // Upstream's readers follow _chunk_ids; this one finds chunks by _parent_id and _version, so a list too long to fit is left out.
            metadata["_chunk_ids"] = chunkIds;
        }
        var chunks = parts.Select((part, i) => ($"Upsonic {kind} chunk {i} of {id}", new JsonObject
        {
            [TypeKey] = kind + "_chunk",
            [TableKey] = table,
            [ParentKey] = memoryId,
            ["_chunk_index"] = i,
            [UpsonicIdKey] = $"{memoryId}__chunk_{i}",
            [VersionKey] = version,
            [DataKey] = part,
        })).ToList();
        return new Written($"Upsonic {kind} {id} (chunked: {parts.Count} parts)", metadata, chunks);
    }

    /// <summary>Reads a record's JSON back from its main memory and the chunks stored under it (of any version; the right ones are picked).</summary>
    /// <param name="main">The record's main memory.</param>
    /// <param name="chunks">The chunk memories found under it.</param>
    /// <param name="recordId">The record's id, named in the error.</param>
    /// <exception cref="StorageException">The payload is missing, incomplete or not readable (<see cref="StorageException.IsCorruptData"/>).</exception>
    public static string Read(Mem0Memory main, IEnumerable<Mem0Memory> chunks, string recordId)
    {
        var metadata = main.Metadata;
        string? data;
        if (Flag(metadata["_chunked"]))
        {
            var version = Text(metadata[VersionKey]);
            var count = Number(metadata["_chunk_count"]) ?? 0;
            var mine = chunks.Where(c => Text(c.Metadata[VersionKey]) == version)
                .GroupBy(c => Number(c.Metadata["_chunk_index"]) ?? -1).OrderBy(g => g.Key).Select(g => g.First()).ToList();
            if (mine.Count != count || mine.Select((c, i) => Number(c.Metadata["_chunk_index"]) == i).Contains(false))
            {
                throw StorageException.CorruptData($"Mem0 record '{recordId}' ({main.UpsonicId}) is missing chunks ({mine.Count} of {count} found).", null, "Read", recordId);
            }

            data = string.Concat(mine.Select(c => Text(c.Metadata[DataKey])));
        }
        else
        {
            data = Text(metadata[DataKey]);
        }

        if (string.IsNullOrEmpty(data))
        {
            throw StorageException.CorruptData($"Mem0 record '{recordId}' ({main.UpsonicId}) has no _data payload.", null, "Read", recordId);
        }

        try
        {
            // Upstream compresses sessions only; profiles and knowledge rows it writes are plain JSON.
            return Flag(metadata["_compressed"]) ? Decompress(data) : data;
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException)
        {
            throw StorageException.CorruptData($"Mem0 record '{recordId}' ({main.UpsonicId}) has an unreadable _data payload.", ex, "Read", recordId);
        }
    }

    // Sizes as the service measures them: JSON text without .NET's defensive escaping of characters such as '+'.
    private static readonly System.Text.Json.JsonSerializerOptions Unescaped = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static int Size(JsonNode node) => node.ToJsonString(Unescaped).Length;

    /// <summary>A metadata string (Mem0 may hand scalars back as strings or as JSON values).</summary>
    public static string? Text(JsonNode? node) => node is JsonValue v ? (v.TryGetValue(out string? s) ? s : v.ToJsonString()) : null;

    private static bool Flag(JsonNode? node) => node is JsonValue v && (v.TryGetValue(out bool b) ? b : string.Equals(Text(v), "true", StringComparison.OrdinalIgnoreCase));

    private static int? Number(JsonNode? node) => node is JsonValue v
        ? (v.TryGetValue(out int i) ? i : int.TryParse(Text(v), System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : null)
        : null;

    public static string Compress(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            gzip.Write(bytes, 0, bytes.Length);
        }

        return Convert.ToBase64String(buffer.ToArray());
    }

    public static string Decompress(string data)
    {
        using var input = new MemoryStream(Convert.FromBase64String(data));
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
