namespace Upsonic.Storage;

/// <summary>
/// One page of a store read in keyset order (sessions, a session's messages or runs, user memories, knowledge rows): what the
/// <c>Get*PageAsync</c> members of <see cref="IStorage"/> return, so a tool can export or migrate a store without loading it whole.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
/// <param name="Items">The readable records of this page, in the listing's order.</param>
/// <param name="NextCursor">
/// The cursor of the next page (pass it back unchanged), or <see langword="null"/> when this page is the last one. A full page
/// always has a cursor, so the page after it may be empty.
/// </param>
/// <remarks>
/// <para>A cursor is the keyset position of the last record of the page (never an offset), so records inserted or deleted
/// elsewhere while a store is being read never make a later page skip or repeat a record that stayed. Cursors are opaque,
/// belong to one listing (and, for messages and runs, to one session), and stay valid across processes and storage instances
/// of the same backend.</para>
/// <para>A stored record that cannot be read fails only itself: it is left out of <see cref="Items"/>, reported in
/// <see cref="UnreadableRecords"/>, and the cursor still moves past it.</para>
/// </remarks>
public sealed record StorePage<T>(IReadOnlyList<T> Items, string? NextCursor)
{
    /// <summary>The records of this page that could not be read, each a <see cref="StorageException"/> with
    /// <see cref="StorageException.IsCorruptData"/> set that names the record. Empty when every record was read.</summary>
    public IReadOnlyList<StorageException> UnreadableRecords { get; init; } = [];
}
