using System.Diagnostics.CodeAnalysis;

namespace Upsonic.Storage.Backends;

/// <summary>
/// Which expired records a backend deletes in <see cref="StorageBase.DeleteExpiredCoreAsync"/>: every session whose head was last
/// written at or before <see cref="Cutoff"/> (with its messages and runs), among <see cref="SessionIds"/>, and every user memory
/// last written at or before <see cref="Cutoff"/>, among <see cref="UserIds"/>.
/// </summary>
/// <param name="Cutoff">Records last written at or before this time have expired.</param>
/// <param name="SessionIds">The sessions to look at; null means any (at most <see cref="Limit"/> of them), empty means none.</param>
/// <param name="UserIds">The user memories to look at; null means any (at most <see cref="Limit"/> of them), empty means none.</param>
/// <param name="Limit">How many sessions, and how many user memories, one sweep over any records deletes at most.</param>
[Experimental(StorageBase.ExperimentalDiagnosticId)]
public sealed record ExpirySweep(DateTimeOffset Cutoff, IReadOnlyList<string>? SessionIds, IReadOnlyList<string>? UserIds, int Limit)
{
    /// <summary><see cref="Cutoff"/> as Unix milliseconds (how SQL and key-value backends store times).</summary>
    public long CutoffMilliseconds => StorageClock.ToUnixMilliseconds(Cutoff);

    /// <summary>Whether a record last written at <paramref name="updatedAt"/> has expired (a record without a time never does).</summary>
    /// <param name="updatedAt">The record's last write.</param>
    public bool Covers(DateTimeOffset? updatedAt) => updatedAt is { } at && at <= Cutoff;
}
