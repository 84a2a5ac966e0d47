namespace Upsonic.Storage;

/// <summary>The timestamp a listing is ordered by.</summary>
public enum RecordSortField
{
    /// <summary>Order by creation time (the default).</summary>
    CreatedAt,

    /// <summary>Order by last write time.</summary>
    UpdatedAt,
}
