namespace Upsonic.Storage.Mem0;

/// <summary>
/// One record of a listing: its main memory, its id, and either its decoded value or why it cannot be read. A listing keeps an
/// unreadable record in its place (filtered and ordered by its main memory's metadata) and reports it instead of failing.
/// </summary>
/// <typeparam name="T">What the record decodes to.</typeparam>
/// <param name="Main">The record's main memory.</param>
/// <param name="Id">The record's id (see <see cref="Mem0Records.IdOf"/>).</param>
/// <param name="Value">The decoded record, or null when it cannot be read.</param>
/// <param name="Unreadable">Why it cannot be read (<see cref="StorageException.IsCorruptData"/>), or null.</param>
internal sealed record Mem0Listed<T>(Mem0Memory Main, string Id, T? Value, StorageException? Unreadable)
    where T : class
{
    /// <summary>A listed record decoded by <paramref name="read"/>, or the corrupt-data failure it raised.</summary>
    public static Mem0Listed<T> Of(Mem0Memory main, string id, Func<T> read)
    {
        try
        {
            return new(main, id, read(), null);
        }
        catch (StorageException ex) when (ex.IsCorruptData)
        {
            return new(main, id, null, ex);
        }
    }

    /// <summary>This record decoded further by <paramref name="read"/>; an unreadable record stays unreadable.</summary>
    public Mem0Listed<TNext> Then<TNext>(Func<T, TNext> read)
        where TNext : class =>
        Value is { } value ? Mem0Listed<TNext>.Of(Main, Id, () => read(value)) : new(Main, Id, null, Unreadable);
}
