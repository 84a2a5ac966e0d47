namespace Upsonic.Storage;

/// <summary>How many rows one stored session holds: what <see cref="IStorage.CountSessionRowsAsync"/> returns, to verify a copy.</summary>
/// <param name="Messages">Every stored message row (history and run messages).</param>
/// <param name="HistoryMessages">The message rows that are part of the conversation history.</param>
/// <param name="Runs">The stored run records.</param>
public sealed record SessionRowCounts(long Messages, long HistoryMessages, long Runs);
