using System.Globalization;

namespace Upsonic.Storage.Mem0;

// Listings (sessions, profiles, knowledge rows): every record of the table is listed and decoded on its own, so one that
// cannot be read keeps its place (filtered and ordered by the fields its main memory's metadata holds), is left out of the
// items and is reported in PagedResult.UnreadableRecords (StorageBase logs and counts it); Total still counts it.
public sealed partial class Mem0Storage
{
    /// <summary>
    /// Filters, orders and pages listed records: a readable one by <paramref name="matches"/> and <paramref name="key"/>, an
    /// unreadable one by its metadata (<paramref name="mayMatch"/>, <paramref name="storedKey"/>); ties by id. The page's readable
    /// records go through <paramref name="output"/> (a corrupt part found there reports the record too), the unreadable ones to
    /// <see cref="PagedResult{T}.UnreadableRecords"/>.
    /// </summary>
    private static PagedResult<TOut> PageListed<T, TOut>(IEnumerable<Mem0Listed<T>> listed, Func<T, bool> matches, Func<Mem0Memory, bool> mayMatch,
        Func<T, DateTimeOffset?> key, Func<Mem0Memory, DateTimeOffset?> storedKey, Func<T, string> idOf, SortOrder order, int? limit, int? offset,
        Func<T, TOut> output)
        where T : class
        where TOut : class
    {
        var page = RecordOrdering.Page(
            listed.Where(l => l.Value is { } v ? matches(v) : mayMatch(l.Main)),
            l => l.Value is { } v ? key(v) : storedKey(l.Main), l => l.Value is { } v ? idOf(v) : l.Id, order, limit, offset);
        var items = new List<TOut>(page.Items.Count);
        var unreadable = new List<StorageException>();
        foreach (var record in page.Items.Select(l => l.Then(output)))
        {
            if (record.Value is { } value)
            {
                items.Add(value);
            }
            else
            {
                unreadable.Add(record.Unreadable!);
            }
        }

        return new PagedResult<TOut>(items, page.Total) { UnreadableRecords = unreadable };
    }

    /// <summary>Whether a record whose metadata field <paramref name="field"/> holds what it holds may have the value
    /// <paramref name="wanted"/> (null: no filter). A missing field is a null value, unless the wanted value is too long for metadata.</summary>
    private static bool StoredFieldMayBe(Mem0Memory main, string field, string? wanted) =>
        wanted is null || (Mem0Envelope.Text(main.Metadata[field]) is { } stored ? stored == wanted : wanted.Length > Mem0Envelope.MaxLiteralLength);

    /// <summary>Whether a main memory is the record of one of <paramref name="ids"/> (null: no filter), by its memory id.</summary>
    private static bool IsOneOf(Mem0Records records, Mem0Memory main, IReadOnlyCollection<string>? ids) =>
        ids is null || ids.Any(id => records.MemoryId(id) == main.UpsonicId);

    /// <summary>The sort key of a record by its metadata: updated_at (else created_at) or created_at, as <see cref="RecordOrdering.SessionKey"/>.</summary>
    private static DateTimeOffset? StoredSortKey(Mem0Memory main, RecordSortField field) =>
        field == RecordSortField.UpdatedAt ? StoredTime(main, "updated_at") ?? StoredTime(main, "created_at") : StoredTime(main, "created_at");

    /// <summary>A time a main memory's metadata holds (ISO 8601); null when missing or unreadable.</summary>
    private static DateTimeOffset? StoredTime(Mem0Memory main, string field) =>
        DateTimeOffset.TryParse(Mem0Envelope.Text(main.Metadata[field]), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : null;
}
