namespace Upsonic.Storage.Mem0;

/// <summary>A record read from Mem0: its main memory, the chunk memories found under it, its JSON and the record's id (named
/// when its payload cannot be read).</summary>
internal sealed record Mem0StoredRecord(Mem0Memory Main, IReadOnlyList<Mem0Memory> Chunks, string Json, string Id);

/// <summary>Reads and writes the records of one kind in one table through <see cref="Mem0Envelope"/>.</summary>
/// <param name="client">The API client.</param>
/// <param name="kind">The record kind.</param>
/// <param name="table">The table name.</param>
/// <param name="idField">The metadata field holding the record's id (<c>session_id</c>, <c>user_id</c>, <c>document_id</c>).</param>
internal sealed class Mem0Records(Mem0Client client, string kind, string table, string idField)
{
    public string Kind { get; } = kind;

    public string MemoryId(string id) => Mem0Envelope.MemoryId(Kind, table, id);

    /// <summary>The record id a main memory names: its id field, else (an id too long for metadata) its memory id.</summary>
    public string IdOf(Mem0Memory main) => Mem0Envelope.Text(main.Metadata[idField]) ?? main.UpsonicId ?? main.Id;

    /// <summary>Reads one record, or null.</summary>
    public async Task<Mem0StoredRecord?> GetAsync(string id, CancellationToken ct)
    {
        var memoryId = MemoryId(id);
        var mains = await client.ListAsync(MainOf(memoryId), ct).ConfigureAwait(false);
        if (mains.Count == 0)
        {
            return null;
        }

        var chunks = await client.ListAsync(ChunksOf(memoryId), ct).ConfigureAwait(false);
        return new Mem0StoredRecord(mains[0], chunks, Mem0Envelope.Read(mains[0], chunks, id), id);
    }

    /// <summary>Reads every record of the kind in the table (two list calls), or only those whose main memory passes
    /// <paramref name="include"/> (the others are not decoded); a record whose payload cannot be read is listed with the reason,
    /// so a listing can report it and return the others.</summary>
    public async Task<IReadOnlyList<Mem0Listed<Mem0StoredRecord>>> ListAsync(Func<Mem0Memory, bool>? include, CancellationToken ct)
    {
        var mains = (await client.ListAsync(Mem0Envelope.KindFilter(Kind, table), ct).ConfigureAwait(false)).Where(include ?? (_ => true)).ToList();
        IReadOnlyList<Mem0Memory> chunks = mains.Any(m => m.Metadata.ContainsKey(Mem0Envelope.VersionKey))
            ? await client.ListAsync(Mem0Envelope.ChunkFilter(Kind, table), ct).ConfigureAwait(false)
            : [];
        var byParent = chunks.ToLookup(c => Mem0Envelope.Text(c.Metadata[Mem0Envelope.ParentKey]));
        return mains.GroupBy(m => m.UpsonicId).Select(g => g.First())
            .Select(m => Mem0Listed<Mem0StoredRecord>.Of(m, IdOf(m), () => Decode(m, byParent[m.UpsonicId].ToList()))).ToList();
    }

    /// <summary>The main memory of every record of the kind in the table, one per record, none decoded (one list call): a listing
    /// that decodes only the records of one page.</summary>
    public async Task<IReadOnlyList<Mem0Memory>> ListMainsAsync(CancellationToken ct) =>
        (await client.ListAsync(Mem0Envelope.KindFilter(Kind, table), ct).ConfigureAwait(false)).GroupBy(m => m.UpsonicId).Select(g => g.First()).ToList();

    /// <summary>Decodes the record of a main memory from <see cref="ListMainsAsync"/>, listing its chunks first when it has any.</summary>
    /// <exception cref="StorageException">The payload is missing, incomplete or not readable (<see cref="StorageException.IsCorruptData"/>).</exception>
    public async Task<Mem0StoredRecord> ReadAsync(Mem0Memory main, CancellationToken ct)
    {
        IReadOnlyList<Mem0Memory> chunks = main.Metadata.ContainsKey(Mem0Envelope.VersionKey) && main.UpsonicId is { } memoryId
            ? await client.ListAsync(ChunksOf(memoryId), ct).ConfigureAwait(false)
            : [];
        return Decode(main, chunks);
    }

    private Mem0StoredRecord Decode(Mem0Memory main, IReadOnlyList<Mem0Memory> chunks)
    {
        var id = IdOf(main);
        return new Mem0StoredRecord(main, chunks, Mem0Envelope.Read(main, chunks, id), id);
    }

    /// <summary>Writes a record: new chunks first, then the main memory (updated in place when it exists), then the old chunks go.</summary>
    public async Task PutAsync(string id, IEnumerable<KeyValuePair<string, string?>> fields, string json, Mem0StoredRecord? existing, CancellationToken ct)
    {
        var written = Mem0Envelope.Write(Kind, table, id, fields, json);
        foreach (var (content, metadata) in written.Chunks)
        {
            await client.AddAsync(content, metadata, ct).ConfigureAwait(false);
        }

        if (existing is null)
        {
            await client.AddAsync(written.Content, written.Metadata, ct).ConfigureAwait(false);
        }
        else
        {
            await client.UpdateAsync(existing.Main.Id, written.Content, written.Metadata, ct).ConfigureAwait(false);
            foreach (var chunk in existing.Chunks)
            {
                await client.DeleteAsync(chunk.Id, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Deletes a record with its chunks; whether it existed.</summary>
    public Task<bool> DeleteAsync(string id, CancellationToken ct) => DeleteMemoryAsync(MemoryId(id), null, ct);

    /// <summary>
    /// Deletes the record with memory id <paramref name="memoryId"/> with its chunks, or, with <paramref name="when"/>, only when its
    /// main memory (listed again here) passes it; whether a main memory was deleted.
    /// </summary>
    public async Task<bool> DeleteMemoryAsync(string memoryId, Func<Mem0Memory, bool>? when, CancellationToken ct)
    {
        var mains = await client.ListAsync(MainOf(memoryId), ct).ConfigureAwait(false);
        if (when is not null && (mains.Count == 0 || !mains.All(when)))
        {
            return false;
        }

        var chunks = await client.ListAsync(ChunksOf(memoryId), ct).ConfigureAwait(false);
        foreach (var memory in mains.Concat(chunks))
        {
            await client.DeleteAsync(memory.Id, ct).ConfigureAwait(false);
        }

        return mains.Count > 0;
    }

    /// <summary>Deletes every record of the kind in the table, with their chunks.</summary>
    public async Task ClearAsync(CancellationToken ct)
    {
        var all = (await client.ListAsync(Mem0Envelope.KindFilter(Kind, table), ct).ConfigureAwait(false))
            .Concat(await client.ListAsync(Mem0Envelope.ChunkFilter(Kind, table), ct).ConfigureAwait(false));
        foreach (var memory in all)
        {
            await client.DeleteAsync(memory.Id, ct).ConfigureAwait(false);
        }
    }

    private Dictionary<string, string> MainOf(string memoryId) => new() { [Mem0Envelope.UpsonicIdKey] = memoryId, [Mem0Envelope.TypeKey] = Kind };

    private Dictionary<string, string> ChunksOf(string memoryId) => new() { [Mem0Envelope.ParentKey] = memoryId, [Mem0Envelope.TypeKey] = Kind + "_chunk" };
}
