namespace Upsonic.Storage;

/// <summary>
/// One stored run record of a session, without its messages (they are <see cref="SessionMessageRow"/>s with its
/// <see cref="RunRecord.RunId"/>): what <see cref="IStorage.GetSessionRunsPageAsync"/> reads and
/// <see cref="IStorage.ImportSessionRunsAsync"/> writes back.
/// </summary>
/// <param name="Run">The run record with its <see cref="RunRecord.Sequence"/>, timestamps and an empty <see cref="RunRecord.Messages"/>.</param>
/// <param name="MessageCount">How many message rows the run stored (a run read later is checked against it).</param>
public sealed record SessionRunRow(RunRecord Run, int MessageCount);
