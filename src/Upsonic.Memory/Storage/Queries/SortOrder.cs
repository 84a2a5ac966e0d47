namespace Upsonic.Storage;

/// <summary>The direction of a listing.</summary>
public enum SortOrder
{
    /// <summary>Newest (or largest) first. The default everywhere.</summary>
    Descending,

    /// <summary>Oldest (or smallest) first.</summary>
    Ascending,
}
