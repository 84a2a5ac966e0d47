namespace Upsonic.Storage;

/// <summary>What <see cref="IStorage.AppendRunAsync"/> did.</summary>
/// <param name="Sequence">The run's position in its session.</param>
/// <param name="MessagesAppended">How many messages this save stored (those the run had not stored before).</param>
/// <param name="SessionCreated">Whether this save created the session.</param>
/// <param name="RunCreated">Whether this save created the run record (false when it replaced an earlier save of the run).</param>
public sealed record RunAppendResult(long Sequence, int MessagesAppended, bool SessionCreated, bool RunCreated);
