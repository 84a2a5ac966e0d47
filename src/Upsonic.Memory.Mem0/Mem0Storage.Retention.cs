namespace Upsonic.Storage.Mem0;

// Retention (expire): a record's last write is the updated_at of its main memory's metadata (written with every record). Reads
// leave expired records out without decoding them; a write over an expired record treats it as absent and replaces it in place,
// so its old payload is gone at no extra request; the periodic sweep deletes the rest through the API.
public sealed partial class Mem0Storage
{
    /// <summary>
    /// Deletes expired sessions and profiles through the Mem0 API. The records a write names need no request here: every write
    /// reads its record first, treats an expired one as absent and overwrites its memories in place. The periodic sweep (at most
    /// every <see cref="StorageBase.ExpirySweepInterval"/>, on a write) lists the main memories of the sessions and of the profiles
    /// (one listing each, as <see cref="StorageBase.GetSessionsAsync"/> does) and deletes at most <see cref="ExpirySweep.Limit"/>
    /// expired records of each, oldest first: per record, under its write gate, its main memory is listed again (to skip a record a
    /// write revived meanwhile), its chunks are listed, and each memory is deleted (one request each).
    /// </summary>
    /// <param name="sweep">What to delete.</param>
    /// <param name="cancellationToken">Cancels the deletion.</param>
    protected override async Task DeleteExpiredCoreAsync(ExpirySweep sweep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        if (sweep.SessionIds is null)
        {
            await SweepAsync(_sessions, sweep, cancellationToken).ConfigureAwait(false);
        }

        if (sweep.UserIds is null)
        {
            await SweepAsync(_userMemories, sweep, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes at most <see cref="ExpirySweep.Limit"/> expired records of <paramref name="records"/>, oldest first.</summary>
    private async Task SweepAsync(Mem0Records records, ExpirySweep sweep, CancellationToken ct)
    {
        var expired = (await records.ListMainsAsync(ct).ConfigureAwait(false))
            .Select(main => (main.UpsonicId, At: LastWrite(main)))
            .Where(m => m.UpsonicId is not null && sweep.Covers(m.At))
            .OrderBy(m => m.At).Take(sweep.Limit).ToList();
        foreach (var (memoryId, _) in expired)
        {
            await UnderGateAsync(memoryId!, () => records.DeleteMemoryAsync(memoryId!, main => sweep.Covers(LastWrite(main)), ct), ct).ConfigureAwait(false);
        }
    }

    /// <summary>Whether a record has expired, by its main memory (false at once when nothing expires).</summary>
    private bool Expired(Mem0Memory main) => Expire is not null && IsExpired(LastWrite(main));

    /// <summary>A record to read, or null when there is none or it has expired.</summary>
    private Mem0StoredRecord? Live(Mem0StoredRecord? record) => record is not null && Expired(record.Main) ? null : record;

    /// <summary>A record's last write: the <c>updated_at</c> metadata (ISO 8601) of its main memory; null when missing or unreadable
    /// (such a record never expires).</summary>
    private static DateTimeOffset? LastWrite(Mem0Memory main) => StoredTime(main, "updated_at");
}
