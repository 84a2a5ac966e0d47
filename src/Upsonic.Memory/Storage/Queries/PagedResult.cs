namespace Upsonic.Storage;

/// <summary>One page of a listing plus the number of records that matched the filters before paging.</summary>
/// <typeparam name="T">The record type.</typeparam>
/// <param name="Items">The records of this page, in the requested order.</param>
/// <param name="Total">How many records matched the filters, ignoring limit and offset (correct even for an empty page).</param>
public sealed record PagedResult<T>(IReadOnlyList<T> Items, long Total);
