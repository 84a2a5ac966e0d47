using System.Diagnostics.CodeAnalysis;

namespace Upsonic.Storage.Backends;

/// <summary>
/// Builds a <see cref="StorePage{T}"/> from the rows a backend read in keyset order: each row is mapped on its own, so a row that
/// cannot be read is reported in <see cref="StorePage{T}.UnreadableRecords"/> instead of failing the page, and the cursor moves past
/// it. A full page (as many rows as the page size) gets a next cursor; a shorter one is the last.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
/// <param name="listing">The listing (<see cref="PageCursor.Sessions"/>, ...).</param>
/// <param name="pageSize">The page size the backend read (it read at most this many rows).</param>
[Experimental(StorageBase.ExperimentalDiagnosticId)]
public sealed class StorePageBuilder<T>(string listing, int pageSize)
{
    private readonly List<T> _items = [];
    private readonly List<StorageException> _unreadable = [];
    private PageCursor? _last;
    private int _seen;

    /// <summary>Adds one row read at the keyset position (<paramref name="key"/>, <paramref name="position"/>), mapped by <paramref name="read"/>;
    /// a <see cref="StorageException"/> with <see cref="StorageException.IsCorruptData"/> from it is reported, not thrown.</summary>
    /// <param name="key">The row's key (its record id; for a session's messages and runs the session id).</param>
    /// <param name="position">The row's number (its sequence, or the backend's secondary key; 0 when unused).</param>
    /// <param name="read">Maps the row to its record.</param>
    public void Add(string key, long position, Func<T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        _seen++;
        _last = new PageCursor(listing, key, position);
        try
        {
            _items.Add(read());
        }
        catch (StorageException ex) when (ex.IsCorruptData)
        {
            _unreadable.Add(ex);
        }
    }

    /// <summary>The page: the readable records, a next cursor when the page is full, and the unreadable rows.</summary>
    public StorePage<T> Build() =>
        new(_items, _seen >= pageSize && _last is not null ? _last.Encode() : null) { UnreadableRecords = _unreadable };
}
