namespace Upsonic.Storage;

/// <summary>One page of a listing plus the number of records that matched the filters before paging.</summary>
/// <typeparam name="T">The record type.</typeparam>
/// <param name="Items">The records of this page, in the requested order.</param>
/// <param name="Total">How many records matched the filters, ignoring limit and offset (correct even for an empty page).</param>
/// <remarks>A stored record that cannot be read fails only itself: it is left out of <see cref="Items"/> and reported in
/// <see cref="UnreadableRecords"/> (and logged and counted by the storage); <see cref="Total"/> still counts it.</remarks>
public sealed record PagedResult<T>(IReadOnlyList<T> Items, long Total)
{
    /// <summary>The records of this page that could not be read, each a <see cref="StorageException"/> with
    /// <see cref="StorageException.IsCorruptData"/> set that names the record. Empty when every record was read.</summary>
    public IReadOnlyList<StorageException> UnreadableRecords { get; init; } = [];
}
